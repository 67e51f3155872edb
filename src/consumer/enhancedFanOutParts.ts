import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createSubscriptionClient } from '../kinesis/createSubscriptionClient.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { ResolvedEnhancedFanOut } from './EnhancedFanOutOptions.js';
import { fanOutSource } from './fanOutSource.js';
import { givenConsumerGone } from './givenConsumerGone.js';
import type { ReadingSourceFactory } from './ReadingSource.js';
import { createShardSubscriber, type ShardSubscriber } from './ShardSubscriber.js';
import { StreamConsumerRegistration } from './StreamConsumerRegistration.js';
import { callerClientDeadline } from './CallerClientDeadline.js';

export interface EnhancedFanOutParts {
  /** The stream consumer this run registers (or finds) and reads as. */
  readonly registration: StreamConsumerRegistration;
  /** The HTTP/2 client built for SubscribeToShard, if neither a client nor a subscriber was given: its owner destroys it. */
  readonly subscriptionClient: KinesisClient | undefined;
  /** The reading source of every shard: `source` if given, else SubscribeToShard subscriptions. */
  readonly source: ReadingSourceFactory;
}

/**
 * The parts of one consumer run that `enhancedFanOut` adds: the stream consumer registration
 * (over the run's control-plane `client`), the subscriber that calls SubscribeToShard as that
 * consumer (`subscriber`, else over `fanOut.client` or the user's client, else over an HTTP/2
 * client built here) and the fan-out reading source.
 */
export function enhancedFanOutParts(config: {
  readonly options: ResolvedConsumerOptions;
  readonly fanOut: ResolvedEnhancedFanOut;
  readonly client: KinesisClient;
  readonly region: string | undefined;
  readonly onEvent: (event: ConsumerEvent) => void;
  readonly source: ReadingSourceFactory | undefined;
  readonly subscriber: ShardSubscriber | undefined;
  /** See StreamConsumerRegistrationOptions.onStreamCreated. */
  readonly onStreamCreated: (createdAt: Date | undefined) => void;
}): EnhancedFanOutParts {
  const { options, fanOut, region } = config;
  const registration = new StreamConsumerRegistration({
    client: config.client,
    address: options.address,
    fanOut,
    scheduler: options.scheduler,
    backoff: {
      baseMs: options.expoBackoff,
      capMs: options.expoBackoffLimit,
      retryLimit: options.retryLimit,
      random: options.random,
    },
    onEvent: config.onEvent,
    onStreamCreated: config.onStreamCreated,
    callTimeoutMs: callerClientDeadline(options)?.ms,
  });
  const own = fanOut.client ?? options.client;
  const subscriptionClient =
    config.subscriber === undefined && own === undefined
      ? createSubscriptionClient({
          ...(region ? { region } : {}),
          ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
          ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
          connectTimeout: options.connectTimeout,
          requestTimeout: options.requestTimeout,
        })
      : undefined;
  const subscriber =
    config.subscriber ??
    createShardSubscriber(own ?? (subscriptionClient as KinesisClient), () => registration.consumerArn);
  return {
    registration,
    subscriptionClient,
    source:
      config.source ??
      fanOutSource(
        subscriber,
        fanOut,
        options,
        givenConsumerGone(
          fanOut.consumerArn,
          options.address.streamName,
          () => registration.givenStatus(),
          () => options.scheduler.now(),
        ),
      ),
  };
}
