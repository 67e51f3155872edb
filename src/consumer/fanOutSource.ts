import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ResolvedEnhancedFanOut } from './EnhancedFanOutOptions.js';
import type { ReadingSourceFactory } from './ReadingSource.js';
import type { ShardSubscriber } from './ShardSubscriber.js';
import { ShardSubscription } from './ShardSubscription.js';

/**
 * The enhanced fan-out source of every reading: a ShardSubscription per leased shard, reading
 * with SubscribeToShard through `subscriber` (as the registered stream consumer), renewing the
 * subscription from its continuation point, backing off as configured. A failure goes through
 * `failure` (which may look into it, e.g. givenConsumerGone) before it fails the reading.
 */
export function fanOutSource(
  subscriber: ShardSubscriber,
  fanOut: ResolvedEnhancedFanOut,
  options: ResolvedConsumerOptions,
  failure: (error: RxjsKinesisError) => RxjsKinesisError | Promise<RxjsKinesisError> = (error) => error,
): ReadingSourceFactory {
  return (params) => {
    let stopped = false;
    const fail = (error: RxjsKinesisError): void => {
      if (!stopped) params.onError(error);
    };
    const subscription = new ShardSubscription({
      ...params,
      // No callback after stop(), also of a failure still being looked into.
      onError: (error) => {
        const final = failure(error);
        if (final instanceof Promise) void final.then(fail);
        else fail(final);
      },
      subscriber,
      silenceTimeoutMs: fanOut.silenceTimeoutMs,
      stallTimeouts: options.stallTimeouts,
      backoff: {
        baseMs: options.expoBackoff,
        capMs: options.expoBackoffLimit,
        retryLimit: options.retryLimit,
        random: options.random,
      },
    });
    return {
      start: () => subscription.start(),
      stop: () => {
        stopped = true;
        subscription.stop();
      },
    };
  };
}
