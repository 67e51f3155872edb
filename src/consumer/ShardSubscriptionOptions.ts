import type { ReadingSourceParams } from './ReadingSource.js';
import type { ShardSubscriber } from './ShardSubscriber.js';
import type { SubscriptionRetryPolicyOptions } from './SubscriptionRetryPolicy.js';

/** What a ShardSubscription (one shard read with SubscribeToShard) is given. */
export interface ShardSubscriptionOptions extends ReadingSourceParams {
  readonly subscriber: ShardSubscriber;
  /** No event for this long abandons the subscription (also the first event's deadline). */
  readonly silenceTimeoutMs: number;
  /** Consecutive silent subscriptions after which `onStalled` (when given) is called (default 3). */
  readonly stallTimeouts?: number;
  readonly backoff: SubscriptionRetryPolicyOptions['backoff'];
}
