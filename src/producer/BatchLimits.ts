import type { OutgoingRecord } from './OutgoingRecord.js';
import type { ResolvedProducerOptions } from './ProducerOptions.js';

/** The limits a RecordBatcher cuts records and PutRecords batches by. */
export interface BatchLimits {
  readonly batchSize: number;
  readonly maxRequestBytes: number;
  readonly maxRecordBytes: number;
  readonly recordsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly preserveOrder: boolean;
}

/** One PutRecords call's worth of records, and when to look again for what had to wait. */
export interface NextBatch<T> {
  readonly records: OutgoingRecord<T>[];
  readonly bytes: number;
  /** Earliest time a record held back by a budget or a back-off may go (Infinity: none). */
  readonly wakeAt: number;
}

/** A producer's batch limits, from its options. */
export function batchLimitsOf<T>(options: ResolvedProducerOptions<T>): BatchLimits {
  return {
    batchSize: options.batchSize,
    maxRequestBytes: options.maxRequestBytes,
    maxRecordBytes: options.maxRecordBytes,
    recordsPerSecond: options.putRateLimitPerShard,
    bytesPerSecond: options.putBandwidthPerShard,
    preserveOrder: options.preserveOrder,
  };
}
