import type { Observable, SchedulerLike } from 'rxjs';
import type { KinesisConnectionOptions } from '../kinesis/createKinesisClient.js';
import type { StreamAddress } from '../kinesis/streamAddress.js';
import type { Logger } from '../logging/Logger.js';
import type { Processor } from '../processors/Processor.js';
import type { DeliveredReport } from './DeliveryReport.js';

/** What `afterFlush` is told after each successful PutRecords call. */
export interface FlushInfo<T> {
  /** Records written by the call (failed entries, retried later, are not counted). */
  readonly records: number;
  /** Items in those records. */
  readonly items: number;
  /** Bytes written (data + partition keys). */
  readonly bytes: number;
  /** Entries of the call that failed and will be retried or reported as failed. */
  readonly failedRecords: number;
  /** Reports of the items delivered by this call; they are emitted once afterFlush settles. */
  readonly delivered: readonly DeliveredReport<T>[];
}

/** Options shared by toKinesis() and Producer. Durations are in milliseconds. */
export interface ProducerOptions<T> extends KinesisConnectionOptions {
  /** Stream name or stream ARN. Required. */
  readonly streamName: string;
  /** How items become records. Default: jsonProcessor() (one JSON document per record). */
  readonly processor?: Processor<T> | undefined;
  /**
   * Partition key of each item: a function of the item (and its index), or one fixed string.
   * Default: a random key per item, which spreads items evenly over the shards; with an
   * aggregating processor, one random key per record's worth of items, drawn for each shard in
   * turn (records spread evenly, and a KPL record's key table stays small).
   */
  readonly partitionKey?: (string | ((item: T, index: number) => string)) | undefined;
  /** ExplicitHashKey of each item (decimal 0 … 2^128-1), overriding the partition key's hash. */
  readonly explicitHashKey?: (item: T, index: number) => string | undefined;
  /** Longest an accepted item waits for its batch to fill before it is sent. Default 500 ms. */
  readonly bufferTime?: number | undefined;
  /** Most records per PutRecords call: 1 … 500. Default 500. */
  readonly batchSize?: number | undefined;
  /** Largest PutRecords request (data + partition keys): up to 10 MiB. Default 5 MiB. */
  readonly maxRequestBytes?: number | undefined;
  /** Largest record (data + partition key): up to 10 MiB on raised streams. Default 1 MiB. */
  readonly maxRecordBytes?: number | undefined;
  /** Records per second sent to one shard. Default 1,000 (the Kinesis limit). */
  readonly putRateLimitPerShard?: number | undefined;
  /** KiB per second sent to one shard. Default 1,024 (1 MiB/s, the Kinesis limit). */
  readonly putBandwidthLimitPerShard?: number | undefined;
  /**
   * Most items accepted and not yet delivered or failed. Default: 20,000 per open shard (room for
   * two seconds of a shard's writes of ~100-byte items on every shard: one second's records
   * waiting for the shard's budget while the next fill), at least 100,000. `maxQueueBytes` bounds
   * the memory either way.
   */
  readonly maxQueueSize?: number | undefined;
  /**
   * Most bytes (serialized data + partition keys) accepted and not yet settled. Default: 2 MiB per
   * open shard (two seconds of a shard's 1 MiB/s on every shard), at least 64 MiB.
   */
  readonly maxQueueBytes?: number | undefined;
  /** Retries of a record before its items fail with DeliveryRetryLimitError. Default Infinity. */
  readonly retryLimit?: number | undefined;
  /** Ceiling of the first retry's random delay (doubling per retry, full jitter). Default 100 ms. */
  readonly expoBackoff?: number | undefined;
  /** Largest retry delay ceiling. Default 120,000 ms. */
  readonly expoBackoffLimit?: number | undefined;
  /** Awaited after each successful PutRecords call, before that call's reports are emitted. */
  readonly afterFlush?: ((info: FlushInfo<T>) => void | PromiseLike<void>) | undefined;
  /**
   * How long a producer keeps looking up (with back-off) a stream that does not exist yet or is
   * not ACTIVE before its items fail with StreamNotFoundError. Items wait in the queue meanwhile
   * and are delivered once the stream is ACTIVE. Default 60,000 ms; 0 fails at once; Infinity waits for good.
   * With `createStream: true` it is also how long the stream it creates may stay CREATING, and must
   * be more than 0.
   */
  readonly streamWaitTime?: number | undefined;
  /**
   * How long connection failures (refused, DNS, TLS, resets, timeouts) may go on with no answer
   * from Kinesis before the pending items fail with a ConnectionError naming the endpoint and the
   * cause. Throttling and other retriable answers are retried as before. Default 20,000 ms.
   */
  readonly connectionFailureTimeout?: number | undefined;
  /** Create the stream if it does not exist. Default false. */
  readonly createStream?: boolean | undefined;
  /** Shards of a stream created by `createStream`. Default 1. */
  readonly createStreamShards?: number | undefined;
  /**
   * Keep items of one partition key in order, even across retries: one PutRecords call in flight
   * per shard, at most one record per partition key in a call, retried records first. Default false.
   */
  readonly preserveOrder?: boolean | undefined;
  /** Most PutRecords calls in flight at once. Default 8. */
  readonly maxInFlightRequests?: number | undefined;
  /** Reload the shard map at least this often while sending. Default 60,000 ms. */
  readonly shardMapRefreshInterval?: number | undefined;
  /** Scheduler for every timer (bufferTime, rate limits, back-off). Default asyncScheduler. */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * Source of randomness in [0, 1) for back-off jitter and random partition keys. Default
   * Math.random. A draw that throws or is not in [0, 1) is replaced by one of Math.random().
   */
  readonly random?: (() => number) | undefined;
  /**
   * Each time this emits, what was accepted is sent at once instead of waiting for bufferTime;
   * intake goes on. The browser entry passes the page's hide events. An error of it ends a
   * toKinesis() output like a source error, and rejects a Producer's next flush()/close().
   */
  readonly flushOn?: Observable<unknown> | undefined;
  /** Logs start, readiness, retries, failures and close (console, pino, NestJS Logger...); nothing is logged without one. */
  readonly logger?: Logger | undefined;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedProducerOptions<T> {
  readonly address: StreamAddress;
  /** Deadlines of a call, ms (see KinesisConnectionOptions). */
  readonly connectTimeout: number;
  readonly requestTimeout: number;
  readonly processor: Processor<T>;
  readonly partitionKey: string | ((item: T, index: number) => string) | undefined;
  readonly explicitHashKey: ((item: T, index: number) => string | undefined) | undefined;
  readonly bufferTime: number;
  readonly batchSize: number;
  readonly maxRequestBytes: number;
  readonly maxRecordBytes: number;
  readonly putRateLimitPerShard: number;
  /** Bytes per second per shard. */
  readonly putBandwidthPerShard: number;
  readonly maxQueueSize: number;
  /** True when maxQueueSize was not given: the bound is then maxQueueSize per open shard. */
  readonly queueScalesWithShards: boolean;
  readonly maxQueueBytes: number;
  /** True when maxQueueBytes was not given: the bound is then DEFAULT_MAX_QUEUE_BYTES_PER_SHARD per open shard. */
  readonly queueBytesScaleWithShards: boolean;
  readonly retryLimit: number;
  readonly expoBackoff: number;
  readonly expoBackoffLimit: number;
  readonly afterFlush: ((info: FlushInfo<T>) => void | PromiseLike<void>) | undefined;
  readonly streamWaitTime: number;
  readonly connectionFailureTimeout: number;
  readonly createStream: boolean;
  readonly createStreamShards: number;
  readonly preserveOrder: boolean;
  readonly maxInFlightRequests: number;
  readonly shardMapRefreshInterval: number;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly logger: Logger | undefined;
}

export const DEFAULT_BUFFER_TIME_MS = 500;
/**
 * Items per open shard with the default maxQueueSize: room for two seconds' worth (2 MiB) of
 * ~100-byte items on every shard, one second's records waiting for the shard's byte budget while
 * the next second's fill.
 */
export const DEFAULT_MAX_QUEUE_SIZE = 20_000;
/**
 * The least item bound with the default maxQueueSize: a few full records of small items in
 * flight per shard of a small stream, so a fast server is not left waiting.
 */
export const DEFAULT_MIN_QUEUE_ITEMS = 100_000;
/** The least byte bound with the default maxQueueBytes. */
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;
/**
 * Bytes per open shard with the default maxQueueBytes: two seconds of writes on every shard,
 * one second's waiting for the shard's byte budget while the next fills (as DEFAULT_MAX_QUEUE_SIZE does
 * in items); past 32 shards the 64 MiB floor would hold less than that.
 */
export const DEFAULT_MAX_QUEUE_BYTES_PER_SHARD = 2 * 1024 * 1024;
export const DEFAULT_PUT_BANDWIDTH_KIB_PER_SHARD = 1024;
export const DEFAULT_EXPO_BACKOFF_MS = 100;
export const DEFAULT_EXPO_BACKOFF_LIMIT_MS = 120_000;
export const DEFAULT_MAX_IN_FLIGHT_REQUESTS = 8;
export const DEFAULT_SHARD_MAP_REFRESH_INTERVAL_MS = 60_000;
export const DEFAULT_STREAM_WAIT_TIME_MS = 60_000;
export const DEFAULT_CONNECTION_FAILURE_TIMEOUT_MS = 20_000;
