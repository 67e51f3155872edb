import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * An open SubscribeToShard subscription ended with ResourceInUseException: another reader
 * subscribed to the shard as the same stream consumer and took it over (e.g. a second
 * application, with checkpoints of its own, reading as the same `consumerName`). Subscribing
 * again would take it back within seconds, and both would read the shard in turn, so the
 * reading fails instead. Not retriable: give each application its own consumer name.
 */
export class SubscriptionTakenOverError extends RxjsKinesisError {
  constructor(streamName: string, shardId: string, cause: unknown) {
    super(
      `shard ${shardId} of stream ${streamName}: another reader subscribed to it as the same stream consumer ` +
        '(ResourceInUseException on an open subscription); two applications must not share a consumer name',
      { retriable: false, cause, context: { streamName, shardId } },
    );
  }
}
