import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ResolvedEnhancedFanOut } from './EnhancedFanOutOptions.js';
import type { ReadingSourceFactory } from './ReadingSource.js';
import type { ShardSubscriber } from './ShardSubscriber.js';
import { ShardSubscription } from './ShardSubscription.js';

/**
 * The enhanced fan-out source of every reading: a ShardSubscription per leased shard, reading
 * with SubscribeToShard through `subscriber` (as the registered stream consumer), renewing the
 * subscription from its continuation point, backing off as configured.
 */
export function fanOutSource(
  subscriber: ShardSubscriber,
  fanOut: ResolvedEnhancedFanOut,
  options: ResolvedConsumerOptions,
): ReadingSourceFactory {
  return (params) =>
    new ShardSubscription({
      ...params,
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
}
