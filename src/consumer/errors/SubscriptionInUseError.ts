import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * SubscribeToShard answered ResourceInUseException: the stream consumer still has an active
 * subscription to the shard (e.g. the previous owner's, not yet closed), or is not ACTIVE yet.
 * Retriable: the subscription is tried again at the API's floor of one call per second, never
 * counted against `retryLimit` (reported as `error-retried` events).
 */
export class SubscriptionInUseError extends RxjsKinesisError {
  constructor(streamName: string, shardId: string, cause: unknown) {
    super(
      `shard ${shardId} of stream ${streamName}: the stream consumer already has an active subscription to it, or is not ACTIVE yet`,
      {
        retriable: true,
        cause,
        context: { streamName, shardId },
      },
    );
  }
}
