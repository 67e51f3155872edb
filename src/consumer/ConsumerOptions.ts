import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SchedulerLike } from 'rxjs';
import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import type { CheckpointerInput } from '../checkpointers/toCheckpointer.js';
import type { KinesisCredentials, KinesisCredentialsProvider } from '../kinesis/createKinesisClient.js';
import type { StreamAddress } from '../kinesis/streamAddress.js';
import type { Logger } from '../logging/Logger.js';
import type { Processor } from '../processors/Processor.js';
import type { EnhancedFanOutOptions, ResolvedEnhancedFanOut } from './EnhancedFanOutOptions.js';

export type ConsumerIteratorType =
  'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER';

/** Options of fromKinesis(). */
export interface ConsumerOptions {
  /** Stream name or stream ARN. */
  readonly streamName: string;
  /** A KinesisClient of your own; else one is built from region/endpoint/credentials. */
  readonly client?: KinesisClient | undefined;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly credentials?: KinesisCredentials | KinesisCredentialsProvider | undefined;
  /**
   * Longest wait for a connection to Kinesis, in ms (default 5,000). With `client`, each call
   * (SubscribeToShard aside) is given up after connectTimeout + requestTimeout.
   */
  readonly connectTimeout?: number | undefined;
  /** Longest wait for one request's answer, in ms (default 30,000). See connectTimeout for `client`. */
  readonly requestTimeout?: number | undefined;
  /**
   * Where positions and leases live. Giving one makes the consumer *tracked*: every record stays
   * in flight until each subscriber that received it settled it (checkpoint(), checkpointFilter(),
   * or deserialize() finding no item). Default: the one given to a checkpoint() subscribed with
   * the first subscriber, else a new MemoryCheckpointer.
   */
  readonly checkpointer?: CheckpointerInput | undefined;
  /**
   * true (default): without a checkpointer, a record is finished once the subscriber's `next`
   * returns (async work after it, e.g. in concatMap, is not bounded). false: the consumer is
   * tracked (with a MemoryCheckpointer unless given one): records stay in flight until
   * checkpoint() settles them, so maxQueueSize bounds the whole pipeline.
   */
  readonly ackOnEmit?: boolean | undefined;
  /**
   * How long the checkpointer may keep failing (no lease taken or renewed, no position read or
   * written) before the Observable errors with CheckpointerUnavailableError, in ms (default 30000).
   */
  readonly checkpointerTimeoutMs?: number | undefined;
  /**
   * How long a stop may take for its final writes, in ms (default 10000): once the last
   * subscriber's pipeline finished the records it holds, the last checkpoint writes, the lease
   * releases, leaving the group and deregistering (`deregisterOnStop`) must end within it. At the
   * deadline the consumer stops waiting for the checkpointer (its later answers are ignored),
   * stops every timer of the run, reports `final-writes-timeout` (the shards whose position was
   * not written, those whose lease was not released) and stops: stopped() resolves. Positions not
   * written are read again (at-least-once); leases not released run out after `leaseDurationMs`.
   * `Infinity`: no deadline (the stop takes as long as the checkpointer does).
   */
  readonly finalWritesTimeoutMs?: number | undefined;
  /** What deserialize() uses when given none. Default jsonProcessor(). */
  readonly processor?: Processor<unknown> | undefined;
  /** Where shards without a checkpoint start. Default TRIM_HORIZON. */
  readonly iteratorType?: ConsumerIteratorType | undefined;
  /** For AT_TIMESTAMP. */
  readonly timestamp?: Date | number | undefined;
  /**
   * For AT_SEQUENCE_NUMBER / AFTER_SEQUENCE_NUMBER: one sequence number for every shard, or one
   * per shard id (shards not named start at TRIM_HORIZON).
   */
  readonly sequenceNumber?: string | Readonly<Record<string, string>> | undefined;
  /** Most records per GetRecords call: 1 to 10000 (default 10000). */
  readonly recordLimit?: number | undefined;
  /** GetRecords calls per second per shard: more than 0, at most 5 (default 1). */
  readonly shardFetchRate?: number | undefined;
  /** Wait after a GetRecords call that found the shard caught up, in ms (default 2000). */
  readonly sleepTimeNoRecords?: number | undefined;
  /**
   * Most records in flight (emitted and not yet finished) before reading pauses. Default: 10000,
   * raised to `recordLimit` per shard read (at most maxQueueItems) so that every shard can fetch
   * a full page per call.
   */
  readonly maxQueueSize?: number | undefined;
  /** Most items in flight (aggregated records count their items once decoded) before reading pauses (default 100000). */
  readonly maxQueueItems?: number | undefined;
  /** Most record bytes in flight before reading pauses (default 256 MiB). */
  readonly maxQueueBytes?: number | undefined;
  /**
   * Most shards this consumer reads at once (default: all). With a shared checkpointer (e.g. the
   * RedisCheckpointer) it is also the most leases this worker holds: shards beyond every
   * worker's limit wait for another worker to join.
   */
  readonly maxShardConsumers?: number | undefined;
  /**
   * With a shared checkpointer: a shard taken over from an owner that did not hand it over in
   * time, or whose owner's lease ran out without a release, is read only after that owner's lease
   * ran out plus this grace, in ms, for the records its handler still holds (default 0).
   */
  readonly takeoverGraceMs?: number | undefined;
  /** How often shards are listed again to follow resharding, in ms: at least 100 (default 60000). */
  readonly shardRefreshInterval?: number | undefined;
  /** Retries of a failing call before the consumer errors (default 5; Infinity allowed). */
  readonly retryLimit?: number | undefined;
  /**
   * With a shared checkpointer (a group): after this many consecutive timed-out reads of a shard
   * (GetRecords or GetShardIterator failing with RequestTimeoutError, each after the client's
   * `requestTimeout`), the reading gives the shard up: it stops reading, writes what is
   * committable, releases the lease and reports `shard-stalled`, so another worker can take the
   * shard. Default 3 (about 1.5 minutes with the default 30 s `requestTimeout`). A consumer
   * without a group (or a count above `retryLimit`) keeps retrying timed-out reads like any
   * retriable error, with `error-retried` events, and errors with RetryLimitExceededError after
   * `retryLimit` retries.
   */
  readonly stallTimeouts?: number | undefined;
  /** First back-off delay ceiling in ms (default 100). */
  readonly expoBackoff?: number | undefined;
  /** Largest back-off delay in ms (default 30000). */
  readonly expoBackoffLimit?: number | undefined;
  /**
   * Create the stream if it does not exist (default false). The consumer then waits up to 120 s
   * (a fixed wait) for it to become ACTIVE, and errors with StreamNotActiveError after that.
   */
  readonly createStream?: boolean | undefined;
  /** Shards of a created stream (default 1). */
  readonly createStreamShards?: number | undefined;
  /**
   * This worker's name in leases and, with a shared checkpointer, in its consumer group
   * (default `<host>-<pid>-<random>`, unique per process start). Give each process its own.
   */
  readonly workerId?: string | undefined;
  /** Scheduler for every timer (default asyncScheduler). */
  readonly scheduler?: SchedulerLike | undefined;
  /** Randomness of back-off jitter, in [0, 1) (default Math.random). */
  readonly random?: (() => number) | undefined;
  /** Logs lifecycle, leases, retries and errors (console, pino, NestJS Logger...); nothing is logged without one. */
  readonly logger?: Logger | undefined;
  /**
   * Read with enhanced fan-out (SubscribeToShard) as this stream consumer instead of polling
   * GetRecords: `{ consumerName }` (registered if the stream has none of that name) or
   * `{ consumerArn }`. See the README's "Enhanced fan-out" section.
   */
  readonly enhancedFanOut?: EnhancedFanOutOptions | undefined;
  /**
   * With `enhancedFanOut`: deregister the stream consumer once this consumer stopped (stopped()
   * waits for it). Default false: a registered consumer stays for the next run. Only for a
   * consumer no other process reads as: their subscriptions end with it.
   */
  readonly deregisterOnStop?: boolean | undefined;
}

export interface ResolvedConsumerOptions {
  readonly address: StreamAddress;
  readonly client?: KinesisClient;
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: KinesisCredentials | KinesisCredentialsProvider;
  readonly connectTimeout: number;
  readonly requestTimeout: number;
  readonly checkpointer?: Checkpointer;
  readonly ackOnEmit: boolean;
  readonly checkpointerTimeoutMs: number;
  readonly finalWritesTimeoutMs: number;
  readonly processor: Processor<unknown>;
  readonly iteratorType: ConsumerIteratorType;
  readonly timestamp?: Date;
  readonly sequenceNumber?: string | Readonly<Record<string, string>>;
  readonly recordLimit: number;
  readonly shardFetchRate: number;
  readonly sleepTimeNoRecords: number;
  readonly maxQueueSize: number;
  /**
   * maxQueueSize was not given: the record budget grows to recordLimit per shard read (up to
   * maxQueueItems), so each shard can fetch a full page per call.
   */
  readonly maxQueueSizeScales?: boolean;
  readonly maxQueueItems: number;
  readonly maxQueueBytes: number;
  readonly maxShardConsumers: number;
  readonly shardRefreshInterval: number;
  readonly takeoverGraceMs: number;
  readonly retryLimit: number;
  readonly stallTimeouts: number;
  readonly expoBackoff: number;
  readonly expoBackoffLimit: number;
  readonly createStream: boolean;
  readonly createStreamShards: number;
  readonly workerId: string;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly logger?: Logger;
  readonly enhancedFanOut?: ResolvedEnhancedFanOut;
}

export { resolveConsumerOptions } from './resolveConsumerOptions.js';
