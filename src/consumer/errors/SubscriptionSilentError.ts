import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * A SubscribeToShard subscription delivered no event for `silenceMs` (a half-open connection, or
 * a call that never got its first event): it was abandoned and is renewed from the last
 * continuation point. Retriable.
 */
export class SubscriptionSilentError extends RxjsKinesisError {
  readonly silenceMs: number;

  constructor(streamName: string, shardId: string, silenceMs: number, sequenceNumber?: string) {
    super(`subscription to shard ${shardId} of stream ${streamName} delivered no event for ${silenceMs} ms`, {
      retriable: true,
      context: { streamName, shardId, ...(sequenceNumber === undefined ? {} : { sequenceNumber }) },
    });
    this.silenceMs = silenceMs;
  }
}
