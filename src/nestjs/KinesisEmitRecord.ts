/**
 * Per-event Kinesis settings for
 * `client.emit(pattern, new KinesisEmitRecord(data, { partitionKey, explicitHashKey }))`.
 */
export interface KinesisEmitRecordOptions {
  /** Partition key of this event: events of one key stay in order on one shard. */
  readonly partitionKey?: string;
  /**
   * ExplicitHashKey of this event: a decimal integer string from 0 to 2^128-1 (no leading
   * zeros). The event goes to the shard whose hash-key range holds it, whatever its partition
   * key. A malformed one fails the event's emit() with InvalidExplicitHashKeyError.
   */
  readonly explicitHashKey?: string;
}

/**
 * Data to emit with KinesisClientProxy plus its record settings. Without it, `emit()` uses the
 * client's `partitionKey` option (default: a random key per event) and `explicitHashKey` option
 * (default: none, the partition key's hash places the event).
 */
export class KinesisEmitRecord<T = unknown> {
  constructor(
    readonly data: T,
    readonly options: KinesisEmitRecordOptions = {},
  ) {}
}
