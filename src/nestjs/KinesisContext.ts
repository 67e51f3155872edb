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
   * Fires when this handler should stop: its own timeout passed (the reason is the
   * `HandlerTimeoutError` its event is dead-lettered with; the shard's next event starts), or this
   * worker stopped reading the event's shard before the event was checkpointed (the shard's lease
   * was lost or handed over, and its next owner handles the event again: a `LeaseLostError`; or
   * the consumer stopped: an `AbortedError`), or `app.close()` gave the handler up at `closeTimeoutMs` (an `AbortedError`). Each
   * handler of an event has its own: another handler's timeout does not fire it. A long handler
   * can check `aborted` before a side effect and give up.
   */
  getAbortSignal(): AbortSignal {
    return this.args[2] ?? this.args[0].record.abortSignal ?? NEVER_ABORTED;
  }
}
