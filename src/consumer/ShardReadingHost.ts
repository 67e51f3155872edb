import type { ChildShard, _Record } from '@aws-sdk/client-kinesis';
import type { Checkpointer, CheckpointPosition, Lease } from '../checkpointers/Checkpointer.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import { classifyError } from '../kinesis/classifyError.js';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { InFlightGate } from './InFlightGate.js';
import type { LeaseManager } from './LeaseManager.js';
import type { RecordsPage } from './ShardReader.js';
import type { ShardReading } from './ShardReading.js';

/**
 * The states of a ShardReading:
 *
 * | from                                  | event                          | to        | action                                               |
 * | ------------------------------------- | ------------------------------ | --------- | ---------------------------------------------------- |
 * | reading                               | records from the source        | reading   | track for every tracked subscriber, emit              |
 * | reading                               | source read the shard to end   | draining  | (children become known to the directory)             |
 * | draining                              | every record settled           | ending    | markShardEnd through the lease                        |
 * | ending                                | SHARD_END written              | ended     | release the lease; children may start                 |
 * | ending                                | markShardEnd failed, retriable | draining  | tried again after END_RETRY_MS                        |
 * | reading, draining                     | handOver(requester)            | releasing | stop source; wait for every record; write            |
 * | reading                               | source stalled (timeouts)      | releasing | shard-stalled; as handOver(undefined)                 |
 * | releasing                             | handOver again (a request)     | releasing | take in the requester and the request's limit         |
 * | releasing                             | no drain within the timeout,   | releasing | handoff-timeout; withdraw the request; keep the lease |
 * |                                       | or the request's limit came    |           |                                                      |
 * | releasing                             | written, lease released        | released  | handoff-completed                                     |
 * | reading, draining, ending, releasing  | lease lost or deadline passed  | lost      | stop source; write nothing more; abort (1)            |
 * | reading, draining, ending             | stop()                         | stopping  | stop source; write the position                       |
 * | stopping                              | lease released                 | stopped   |                                                      |
 * | reading, draining, ending, releasing, | the stop's final writes ran    | stopped   | stop source; write nothing more, the answer of a     |
 * | stopping                              | out of time (cutShort)         |           | write under way ignored; abort                       |
 * | reading                               | source failed                  | failed    | drop records; the consumer errors                     |
 *
 * ended, released, lost, stopped and failed are final: the reading does nothing more, except
 * (1): records of a lost lease still in the pipeline keep their share of the in-flight budget
 * until they settle, or for at most one lease duration (or until the consumer stops).
 */
export type ReadingState =
  | 'reading'
  | 'draining'
  | 'ending'
  | 'ended'
  | 'releasing'
  | 'released'
  | 'lost'
  | 'stopping'
  | 'stopped'
  | 'failed';

/** What a ShardReading needs from the consumer that runs it. */
export interface ShardReadingHost {
  readonly streamName: string;
  /** This consumer's worker id (the owner its leases name). */
  readonly workerId: string;
  readonly checkpointer: Checkpointer;
  readonly leases: LeaseManager;
  readonly gate: InFlightGate;
  /** Emits a page of records to the subscribers (tracking them with `reading.track`). */
  emit(reading: ShardReading, records: readonly _Record[], page: RecordsPage): void;
  onEvent(event: ConsumerEvent): void;
  /** The reading reached a final state (ended, released, lost, stopped or failed). */
  onFinished(reading: ShardReading, childShards: readonly ChildShard[]): void;
  /** Withdraws `requester`'s handoff request on the shard (group checkpointers). Never rejects. */
  withdrawHandoff(shardId: string, requester: string): Promise<void>;
  /** The lease was lost with this position finished but not written. */
  onUnwritten(shardId: string, position: CheckpointPosition): void;
  onError(error: RxjsKinesisError): void;
  /** The shard's reads stalled (shard-stalled): this worker is giving it up. */
  onStalled(shardId: string): void;
  /** How long a handover waits for the records in flight before it reports handoff-timeout, in ms. */
  handoffDrainMs(): number;
  /** The consumer's scheduler's clock (epoch ms in production). */
  now(): number;
  /** A position or SHARD_END write succeeded: the checkpointer answers (see CheckpointerHealth). */
  checkpointerOk?(): void;
  /** A write failed, but not for a lost lease: counts towards checkpointerTimeoutMs, or stops at once. */
  checkpointerFailed?(error: unknown): void;
  /** Calls `callback` after `ms` on the consumer's scheduler; returns a cancel function. */
  timer(ms: number, callback: () => void): () => void;
  /** The children of an ended shard (those its last read named, and those listed), for markShardEnd. */
  childShardIdsOf?(shardId: string, named: readonly string[]): readonly string[];
}

/**
 * Reports a failed position or SHARD_END write through the lease `token`: lease-lost (returns
 * true: the reading must stop at once; reported only if that lease was still held, see
 * LeaseManager.reportLost) or error-retried.
 */
export function reportWriteFailure(
  host: Pick<ShardReadingHost, 'streamName' | 'onEvent' | 'leases' | 'checkpointerFailed'>,
  shardId: string,
  token: string,
  operation: string,
  error: unknown,
): boolean {
  if (error instanceof LeaseLostError) {
    host.leases.reportLost(shardId, token, error);
    return true;
  }
  host.checkpointerFailed?.(error);
  host.onEvent({
    type: 'error-retried',
    shardId,
    operation,
    error: classifyError(error, { streamName: host.streamName, shardId }),
    attempt: 1,
    delayMs: 0,
  });
  return false;
}

/**
 * Marks the end of the shard through `lease`, naming its children: those its last read named,
 * and those the shard list knows (host.childShardIdsOf).
 */
export function markShardEnd(
  host: Pick<ShardReadingHost, 'checkpointer' | 'childShardIdsOf'>,
  shardId: string,
  lease: Lease,
  childShards: readonly ChildShard[],
): Promise<void> {
  const named = childShards.flatMap((child) => (child.ShardId ? [child.ShardId] : []));
  const children = host.childShardIdsOf?.(shardId, named) ?? named;
  return children.length === 0
    ? host.checkpointer.markShardEnd(lease)
    : host.checkpointer.markShardEnd(lease, { childShardIds: children });
}
