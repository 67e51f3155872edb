import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * RegisterStreamConsumer refused (LimitExceededException) because the stream already has as many
 * registered consumers as it may (20 per stream, 50 for On-demand Advantage streams). Not
 * retriable: no later call succeeds until a consumer of the stream is deregistered. `cause` is
 * Kinesis's refusal.
 */
export class StreamConsumerLimitError extends RxjsKinesisError {
  /** The consumer that was to be registered. */
  readonly consumer: string;
  /** How many consumers the stream has (DescribeStreamSummary's ConsumerCount), when known. */
  readonly consumerCount: number | undefined;
  /** The stream's consumer limit. */
  readonly limit: number;

  constructor(
    consumer: string,
    streamName: string,
    limit: number,
    consumerCount: number | undefined,
    cause: unknown,
  ) {
    const has =
      consumerCount === undefined
        ? `is at its limit of ${limit} registered consumers`
        : `has ${consumerCount} registered consumers, its limit of ${limit}`;
    super(
      `stream ${streamName} ${has}: RegisterStreamConsumer for ${consumer} refused with ` +
        'LimitExceededException, and no retry succeeds until a consumer is deregistered. ' +
        'Deregister a consumer no application uses (aws kinesis list-stream-consumers ' +
        '--stream-arn ARN, then aws kinesis deregister-stream-consumer), or read as one this ' +
        'application already registered (enhancedFanOut.consumerName or consumerArn; two ' +
        'applications reading as one consumer take its subscriptions from each other)',
      { retriable: false, cause, context: { streamName } },
    );
    this.consumer = consumer;
    this.consumerCount = consumerCount;
    this.limit = limit;
  }
}
