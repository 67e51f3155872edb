import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { AggregatedRecord } from '../processors/Aggregator.js';
import type { RecordItems } from './RecordItems.js';

/** An accepted item, serialized and keyed, waiting to be delivered. */
export type PreparedItem<T> = PreparedBytes<T> | PreparedText<T>;

/** An item serialized to bytes (the byte path). */
export interface PreparedBytes<T> extends PreparedFields<T> {
  readonly data: Uint8Array;
  readonly text?: undefined;
}

/** An item serialized to text (the text path: the processor's serializer and aggregator both have one). */
export interface PreparedText<T> extends PreparedFields<T> {
  /** Text whose UTF-8 bytes are the item's data. */
  readonly text: string;
  /** UTF-8 length of `text`. */
  readonly textBytes: number;
  readonly data?: undefined;
}

/** What every prepared item holds besides its data. */
export interface PreparedFields<T> {
  readonly item: T;
  readonly index: number;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  /** Bytes Kinesis counts for the item alone: data + partition key (UTF-8). */
  readonly size: number;
  /** Always 1: without aggregation (noneAggregator) a prepared item is its own record. */
  readonly itemCount: 1;
  /** Acceptance order, set when the item is accepted (0 before). */
  seq: number;
  /** The items accepted with it between two flushes, set when it is accepted. */
  flushGroup: FlushGroup | undefined;
}

/**
 * The items accepted between two flushes: how many of them are not yet delivered or failed. A
 * flush is done once its group and every earlier one are empty.
 */
export interface FlushGroup {
  unsettled: number;
}

/** An accepted item (its `seq` set). */
export type QueuedItem<T> = PreparedItem<T>;

/** A closed Kinesis record on its way to PutRecords, with the items it holds. */
export interface OutgoingRecord<T> {
  readonly record: AggregatedRecord;
  readonly items: RecordItems<T>;
  /** The predicted shard (the lane the record waits in). */
  readonly laneId: string;
  /** PutRecords attempts made so far. */
  attempts: number;
  /**
   * Attempts made before the record's retries began counting: those of the delivered record its
   * item was sent again from (see MispredictedAggregates), 0 otherwise. Back-off and retryLimit
   * count the retries after them: a delivery is no failure to back off from.
   */
  readonly attemptsBefore: number;
  /** Not to be sent before this time (back-off after a failure). */
  notBefore: number;
  /** An earlier attempt ended without a definite answer. */
  possibleDuplicate: boolean;
  lastError: RxjsKinesisError | undefined;
}
