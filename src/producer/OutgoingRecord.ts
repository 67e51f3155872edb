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
  /** Acceptance order, set when the item is accepted (0 before). */
  seq: number;
}

/** An accepted item (its `seq` set). */
export type QueuedItem<T> = PreparedItem<T>;

/** A closed Kinesis record on its way to PutRecords, with the items it holds. */
export interface OutgoingRecord<T> {
  readonly record: AggregatedRecord;
  readonly items: readonly QueuedItem<T>[];
  /** The predicted shard (the lane the record waits in). */
  readonly laneId: string;
  /** PutRecords attempts made so far. */
  attempts: number;
  /** Not to be sent before this time (back-off after a failure). */
  notBefore: number;
  /** An earlier attempt ended without a definite answer. */
  possibleDuplicate: boolean;
  lastError: RxjsKinesisError | undefined;
}
