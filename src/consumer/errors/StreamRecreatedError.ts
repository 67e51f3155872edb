import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * The stream the consumer reads was deleted and created again under the same name while it ran
 * (DescribeStreamSummary's StreamCreationTimestamp changed). Its shard ids start over and its
 * checkpoints belong to the old stream: ending a shard (SHARD_END) or resuming from a position on
 * the strength of the new stream would be wrong. Not retriable.
 */
export class StreamRecreatedError extends RxjsKinesisError {
  readonly streamName: string;
  /** When the stream the consumer started on was created. */
  readonly previousCreatedAt: Date;
  /** When the stream now under that name was created. */
  readonly currentCreatedAt: Date;

  constructor(streamName: string, previousCreatedAt: Date, currentCreatedAt: Date) {
    super(
      `Stream ${streamName} was deleted and created again while the consumer ran (created ` +
        `${previousCreatedAt.toISOString()} when it started, now ${currentCreatedAt.toISOString()}): ` +
        'the checkpoints belong to the old stream, so no shard is ended or resumed from them. ' +
        'Delete them (or use another checkpointer table, key prefix or application name) and ' +
        'start the consumer again to read the new stream',
      { retriable: false, context: { streamName } },
    );
    this.streamName = streamName;
    this.previousCreatedAt = previousCreatedAt;
    this.currentCreatedAt = currentCreatedAt;
  }
}
