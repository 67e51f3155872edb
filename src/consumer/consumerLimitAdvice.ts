import { RetryLimitExceededError } from '../kinesis/errors/RetryLimitExceededError.js';
import { ThrottledError } from '../kinesis/errors/ThrottledError.js';

/**
 * RegisterStreamConsumer refused with LimitExceededException until `activationTimeoutMs` ran out:
 * `error` with a message that also says the stream may be at its consumer limit, and how many
 * consumers it has. Kinesis answers LimitExceededException alike for its rate (5 calls a second
 * per account), for a 6th consumer CREATING at once in the account, and for a stream at its
 * consumer limit (20, or 50 for an On-demand Advantage stream). A refusal consumerLimitRefusal
 * recognises as the consumer limit fails at once; the others are retried (the first two pass),
 * and the consumer limit is still named as a maybe when they are given up (an on-demand stream
 * with 20 to 49 consumers, whose limit DescribeStreamSummary does not show). Any other error is
 * returned as it is.
 */
export async function limitExceededAdvice(
  error: unknown,
  consumerCount: () => Promise<number | undefined>,
): Promise<unknown> {
  if (!(error instanceof RetryLimitExceededError)) return error;
  const refusal = error.cause;
  if (!(refusal instanceof ThrottledError) || refusal.code !== 'LimitExceededException') return error;
  const count = await consumerCount().catch(() => undefined);
  const has =
    count === undefined ? '' : `has ${count} registered ${count === 1 ? 'consumer' : 'consumers'}: it `;
  return new RetryLimitExceededError(
    `${error.message}. The stream ${has}may be at its consumer limit (20 per stream, 50 for ` +
      'On-demand Advantage streams; Kinesis refuses a registration past it with the same ' +
      'LimitExceededException as its rate limit): deregister a consumer no application uses ' +
      '(aws kinesis list-stream-consumers --stream-arn ARN, then deregister-stream-consumer), ' +
      'or give an existing one as enhancedFanOut.consumerArn',
    {
      attempts: error.attempts,
      cause: refusal,
      ...(error.context === undefined ? {} : { context: error.context }),
      ...(error.code === undefined ? {} : { code: error.code }),
    },
  );
}
