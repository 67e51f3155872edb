import type { KinesisRecord } from './KinesisRecord.js';

/** One deserialized item, as deserialize() emits it, with the position checkpoint() commits. */
export interface KinesisItem<T> {
  readonly data: T;
  /** The record the item came from. */
  readonly record: KinesisRecord;
  readonly streamName: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Index of the item inside its record, from 0. */
  readonly subSequenceNumber: number;
  /** How many items the record holds in all (including any skipped on resume). */
  readonly subRecordCount: number;
  /** The item's partition key (a KPL sub-record's own key). */
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly approximateArrivalTimestamp: Date;
}
