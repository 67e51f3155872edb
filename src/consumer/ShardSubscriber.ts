import {
  SubscribeToShardCommand,
  type ChildShard,
  type KinesisClient,
  type StartingPosition,
  type _Record,
} from '@aws-sdk/client-kinesis';
import type { IteratorRequest } from './ShardReader.js';

/** One SubscribeToShardEvent. */
export interface SubscriptionEvent {
  readonly records: readonly _Record[];
  /** Where the next subscription continues; absent once a closed shard was read to its end. */
  readonly continuationSequenceNumber?: string;
  readonly millisBehindLatest?: number;
  /** Set in the last event of a closed shard. */
  readonly childShards?: readonly ChildShard[];
}

/** The events of one subscription: `next()` rejects with what the service or the network threw. */
export type SubscriptionEvents = AsyncIterator<SubscriptionEvent, unknown, undefined>;

/**
 * The SubscribeToShard call of enhanced fan-out: resolves once the subscription delivers (the
 * SDK waits for its first event), with the iterator of its events. Aborting `signal` cancels the
 * call or closes the subscription.
 */
export interface ShardSubscriber {
  subscribe(shardId: string, start: IteratorRequest, signal: AbortSignal): Promise<SubscriptionEvents>;
}

/** The StartingPosition of SubscribeToShard for an iterator request (same types as GetShardIterator). */
export function startingPosition(start: IteratorRequest): StartingPosition {
  return {
    Type: start.iteratorType,
    ...(start.sequenceNumber === undefined ? {} : { SequenceNumber: start.sequenceNumber }),
    ...(start.timestamp === undefined ? {} : { Timestamp: start.timestamp }),
  };
}

/** A ShardSubscriber over an AWS SDK v3 KinesisClient (it must use an HTTP/2 handler). */
export function createShardSubscriber(client: KinesisClient, consumerArn: () => string): ShardSubscriber {
  return {
    async subscribe(shardId, start, abortSignal) {
      const output = await client.send(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn(),
          ShardId: shardId,
          StartingPosition: startingPosition(start),
        }),
        { abortSignal },
      );
      const stream = output.EventStream;
      if (stream === undefined) throw new Error(`SubscribeToShard returned no event stream for ${shardId}`);
      const inner = stream[Symbol.asyncIterator]();
      return {
        async next() {
          for (;;) {
            const result = await inner.next();
            if (result.done === true) return { done: true, value: undefined };
            const event = result.value.SubscribeToShardEvent;
            // Other members are exceptions (the SDK throws those) or unknown events: skipped.
            if (event === undefined) continue;
            return {
              done: false,
              value: {
                records: event.Records ?? [],
                ...(event.ContinuationSequenceNumber == null
                  ? {}
                  : { continuationSequenceNumber: event.ContinuationSequenceNumber }),
                ...(event.MillisBehindLatest == null ? {} : { millisBehindLatest: event.MillisBehindLatest }),
                ...(event.ChildShards == null ? {} : { childShards: event.ChildShards }),
              },
            };
          }
        },
        async return() {
          await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
