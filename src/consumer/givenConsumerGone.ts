import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { StreamConsumerNotActiveError } from './errors/StreamConsumerNotActiveError.js';

/**
 * What a shard's SubscribeToShard failure fails the consumer with, for a stream consumer given by
 * `consumerArn`. SubscribeToShard naming the consumer not found is retriable as it comes (one the
 * consumer registered by name is registered anew by the next run), but an ARN names one
 * registration: once one DescribeStreamConsumer (`status`) confirms it is gone (not found) or
 * DELETING, it never turns ACTIVE again, and the consumer fails with a StreamConsumerNotActiveError
 * that is not retriable. Anything else (the consumer still listed, the call failed, no
 * `consumerArn`) keeps the error as it is. The shards of a run share the one confirmation.
 */
export function givenConsumerGone(
  consumerArn: string | undefined,
  streamName: string,
  status: () => Promise<string | undefined>,
): (error: RxjsKinesisError) => RxjsKinesisError | Promise<RxjsKinesisError> {
  let confirmed: Promise<string | undefined> | undefined;
  return (error) => {
    const gone = error instanceof StreamConsumerNotActiveError && error.status === 'not found';
    if (consumerArn === undefined || !gone || !error.retriable) return error;
    confirmed ??= status().catch(() => undefined);
    return confirmed.then((now) =>
      now === 'not found' || now === 'DELETING'
        ? new StreamConsumerNotActiveError(consumerArn, now, 0, streamName, error.cause ?? error, false)
        : error,
    );
  };
}
