import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { StreamConsumerNotActiveError } from './errors/StreamConsumerNotActiveError.js';

/**
 * How old an answer of DescribeStreamConsumer may be for a later failure to go by it: older, the
 * consumer is asked again. DescribeStreamConsumer is limited to 20 calls a second per stream; one
 * call per worker each 10 s leaves that to 200 workers, and a worker only asks after a failure.
 */
export const CONSUMER_GONE_RECHECK_MS = 10_000;

/**
 * What a shard's SubscribeToShard failure fails the consumer with, for a stream consumer given by
 * `consumerArn`. SubscribeToShard naming the consumer not found is retriable as it comes (one the
 * consumer registered by name is registered anew by the next run), but an ARN names one
 * registration: once one DescribeStreamConsumer (`status`) confirms it is gone (not found) or
 * DELETING, it never turns ACTIVE again, and the consumer fails with a StreamConsumerNotActiveError
 * that is not retriable. Anything else (the consumer still listed, the call failed, no
 * `consumerArn`) keeps the error as it is. Failures share the question under way, and its answer
 * for CONSUMER_GONE_RECHECK_MS after it came (`now`: the consumer's scheduler); a failure after
 * that, or once the clock reads before the answer (set back), asks again.
 */
export function givenConsumerGone(
  consumerArn: string | undefined,
  streamName: string,
  status: () => Promise<string | undefined>,
  now: () => number,
): (error: RxjsKinesisError) => RxjsKinesisError | Promise<RxjsKinesisError> {
  let asked: Promise<string | undefined> | undefined;
  /** When the last answer came (undefined while the question is under way). */
  let answeredAt: number | undefined;
  return (error) => {
    const gone = error instanceof StreamConsumerNotActiveError && error.status === 'not found';
    if (consumerArn === undefined || !gone || !error.retriable) return error;
    // A clock that reads before the answer (a wall clock set back) counts it as old.
    const age = answeredAt === undefined ? 0 : now() - answeredAt;
    if (asked === undefined || age < 0 || age >= CONSUMER_GONE_RECHECK_MS) {
      answeredAt = undefined;
      const question = status()
        .catch(() => undefined)
        .finally(() => {
          if (asked === question) answeredAt = now();
        });
      asked = question;
    }
    return asked.then((found) =>
      found === 'not found' || found === 'DELETING'
        ? new StreamConsumerNotActiveError(consumerArn, found, 0, streamName, error.cause ?? error, false)
        : error,
    );
  };
}
