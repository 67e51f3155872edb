import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { AggregatedRecord } from '../processors/Aggregator.js';

/** An accepted item, serialized and keyed, waiting to be delivered. */
export interface PreparedItem<T> {
  readonly item: T;
  readonly index: number;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  /** Bytes Kinesis counts for the item alone: data + partition key (UTF-8). */
  readonly size: number;
}

/** An accepted item with its acceptance order. */
export interface QueuedItem<T> extends PreparedItem<T> {
  readonly seq: number;
}

/** A closed Kinesis record on its way to PutRecords, with the items it holds. */
export interface OutgoingRecord<T> {
  readonly record: AggregatedRecord;
  readonly items: readonly QueuedItem<T>[];
  /** The predicted shard (the lane the record waits in). */
  readonly laneId: string;
  /** Partition keys of the items (used to keep one record per key in a call with preserveOrder). */
  readonly keys: ReadonlySet<string>;
  /** PutRecords attempts made so far. */
  attempts: number;
  /** Not to be sent before this time (back-off after a failure). */
  notBefore: number;
  /** An earlier attempt ended without a definite answer. */
  possibleDuplicate: boolean;
  lastError: RxjsKinesisError | undefined;
}
