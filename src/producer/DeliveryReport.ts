import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { QueueFullError } from './errors/QueueFullError.js';

/** An item that Kinesis stored: where it is and how it got there. */
export interface DeliveredReport<T> {
  readonly status: 'delivered';
  readonly item: T;
  /** Position of the item in the input (0-based count of items given to the producer). */
  readonly index: number;
  readonly shardId: string;
  /** Sequence number of the Kinesis record holding the item. */
  readonly sequenceNumber: string;
  /**
   * Position of the item inside its record when the processor aggregates several items into one
   * record (KPL, newline, list, netstring); the consumer's `subSequenceNumber`. Absent otherwise.
   * 0 for a KPL item too large to aggregate, sent as a plain record of its own (read as one item).
   */
  readonly subSequenceNumber?: number;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  /** PutRecords attempts it took (1 = first try). */
  readonly attempts: number;
  /**
   * True when an earlier attempt ended without a definite answer (connection reset, timeout;
   * not a connection refused or a host not found, which nothing was sent on), or the SDK client
   * retried a call itself (it does not say why): that attempt may also have been stored, so
   * the stream may hold this item twice.
   */
  readonly possibleDuplicate: boolean;
}

/** An item that was accepted (or refused as bad input or for a full queue) and will never be delivered. */
export interface FailedReport<T> {
  readonly status: 'failed';
  readonly item: T;
  readonly index: number;
  /**
   * The shard the item's record was meant for, as in a delivered report (and in the error's
   * `context.shardId`); absent when the item failed before it was bound to one (bad input, no
   * shard map yet, a full queue). It is the shard predicted when the record was queued: after a
   * resharding, a record queued before the producer learned of it names the parent, closed since
   * (where it was sent; Kinesis stores it in a child); an item sent again on its own after a
   * resharding names the shard its key maps to in the reloaded shard map (with `preserveOrder`,
   * the parent).
   */
  readonly shardId?: string;
  /**
   * ItemSerializationError, InvalidPartitionKeyError, InvalidExplicitHashKeyError,
   * ItemTooLargeError, DeliveryFailedError, DeliveryRetryLimitError, AfterFlushError,
   * ProducerAbortedError, or QueueFullError (toKinesis() with `overflow: 'error'`).
   */
  readonly error: RxjsKinesisError;
}

/** An item the toKinesis() operator refused because the queue was full (overflow: 'drop-newest'). */
export interface DroppedReport<T> {
  readonly status: 'dropped';
  readonly item: T;
  readonly index: number;
  readonly error: QueueFullError;
}

/** What the producer tells about every item it was given. */
export type DeliveryReport<T> = DeliveredReport<T> | FailedReport<T> | DroppedReport<T>;
