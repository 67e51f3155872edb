import { BaseRpcContext } from '@nestjs/microservices';
import type { KinesisItem } from '../index.js';

/** The signal of an event whose record has none (it never fires). */
const NEVER_ABORTED = new AbortController().signal;

/**
 * What `@Ctx()` gives a handler of KinesisTransportStrategy: the event's place in the stream.
 * Its arguments: the item, the pattern, and (optional) the signal `getAbortSignal()` returns.
 */
export class KinesisContext extends BaseRpcContext<[KinesisItem<unknown>, string, AbortSignal?]> {
  /** The consumed item: data, shard, sequence number, partition key, arrival time. */
  getItem(): KinesisItem<unknown> {
    return this.args[0];
  }

  getPattern(): string {
    return this.args[1];
  }

  getShardId(): string {
    return this.args[0].shardId;
  }

  getSequenceNumber(): string {
    return this.args[0].sequenceNumber;
  }

  getPartitionKey(): string {
    return this.args[0].partitionKey;
  }

  /**
   * Fires when this worker stops reading the event's shard before the event is checkpointed: the
   * shard's lease was lost or handed over (its next owner handles the event again), the consumer
   * stopped, or `app.close()` gave the handler up at `closeTimeoutMs`. A long handler can check
   * `aborted` before a side effect and give up.
   */
  getAbortSignal(): AbortSignal {
    return this.args[2] ?? this.args[0].record.abortSignal ?? NEVER_ABORTED;
  }
}
