/** Per-event Kinesis settings for `client.emit(pattern, new KinesisEmitRecord(data, { partitionKey }))`. */
export interface KinesisEmitRecordOptions {
  /** Partition key of this event: events of one key stay in order on one shard. */
  readonly partitionKey?: string;
}

/**
 * Data to emit with KinesisClientProxy plus its record settings. Without it, `emit()` uses the
 * client's `partitionKey` option (default: a random key per event).
 */
export class KinesisEmitRecord<T = unknown> {
  constructor(
    readonly data: T,
    readonly options: KinesisEmitRecordOptions = {},
  ) {}
}
