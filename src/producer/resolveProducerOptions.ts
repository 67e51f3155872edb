import { asyncScheduler } from 'rxjs';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { validateConnectionTimeouts } from '../kinesis/createKinesisClient.js';
import { validateClientOptions } from '../kinesis/validateClientOptions.js';
import { validatePartitionKey } from '../kinesis/hashKey.js';
import { parseStreamAddress } from '../kinesis/streamAddress.js';
import { validateLogger } from '../logging/validateLogger.js';
import {
  MAX_RAISED_RECORD_BYTES,
  MAX_RECORD_BYTES,
  PUT_RECORDS_MAX_BYTES,
  PUT_RECORDS_MAX_RAISED_BYTES,
  PUT_RECORDS_MAX_RECORDS,
  SHARD_WRITE_RECORDS_PER_SECOND,
} from '../kinesis/limits.js';
import { jsonProcessor } from '../processors/namedProcessors.js';
import type { Processor } from '../processors/Processor.js';
import { safeRandom } from '../kinesis/safeRandom.js';
import { MAX_TIMER_MS } from '../kinesis/callDeadline.js';
import {
  DEFAULT_BUFFER_TIME_MS,
  DEFAULT_MAX_QUEUE_SIZE,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_PUT_BANDWIDTH_KIB_PER_SHARD,
  DEFAULT_EXPO_BACKOFF_MS,
  DEFAULT_EXPO_BACKOFF_LIMIT_MS,
  DEFAULT_MAX_IN_FLIGHT_REQUESTS,
  DEFAULT_SHARD_MAP_REFRESH_INTERVAL_MS,
  DEFAULT_STREAM_WAIT_TIME_MS,
  DEFAULT_CONNECTION_FAILURE_TIMEOUT_MS,
  type ProducerOptions,
  type ResolvedProducerOptions,
} from './ProducerOptions.js';

type Check = (value: number) => boolean;

function numberOption(name: string, value: unknown, fallback: number, check: Check, allowed: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || !check(value)) {
    throw new InvalidOptionError(name, value, allowed);
  }
  return value;
}

const isInteger =
  (min: number, max: number): Check =>
  (v) =>
    Number.isInteger(v) && v >= min && v <= max;
const isFinitePositive: Check = (v) => Number.isFinite(v) && v > 0;

function booleanOption(name: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean')
    throw new InvalidOptionError(name, value, 'expected true or false');
  return value === true;
}

function functionOption<F>(name: string, value: F | undefined, allowed: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(name, value, allowed);
  return value;
}

function processorOption<T>(value: Processor<T> | undefined): Processor<T> {
  if (value === undefined) return jsonProcessor<T>();
  const valid =
    typeof value === 'object' &&
    value !== null &&
    typeof value.serializer?.serialize === 'function' &&
    typeof value.aggregator?.createAccumulator === 'function';
  if (!valid) {
    throw new InvalidOptionError(
      'processor',
      value,
      'expected a Processor such as jsonProcessor() or createProcessor(name, serializer, aggregator)',
    );
  }
  return value;
}

/** Validates every producer option (throwing InvalidOptionError) and fills in the defaults. */
export function resolveProducerOptions<T>(options: ProducerOptions<T>): ResolvedProducerOptions<T> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object with at least { streamName }');
  }
  const address = parseStreamAddress(options.streamName, 'streamName');
  // Checked here even with a client of the caller's own: its calls are timed with them too.
  const { connectTimeout, requestTimeout } = validateConnectionTimeouts(options);
  // The client is built when a producer starts (toKinesis(): on each subscription): its options
  // are checked now all the same.
  validateClientOptions(options);
  const { partitionKey } = options;
  if (typeof partitionKey === 'string') validatePartitionKey(partitionKey, 'partitionKey');
  if (partitionKey !== undefined && typeof partitionKey !== 'function' && typeof partitionKey !== 'string') {
    throw new InvalidOptionError(
      'partitionKey',
      partitionKey,
      'expected a string of 1 to 256 characters or a function (item, index) => string',
    );
  }
  const maxRecordBytes = numberOption(
    'maxRecordBytes',
    options.maxRecordBytes,
    MAX_RECORD_BYTES,
    isInteger(1, MAX_RAISED_RECORD_BYTES),
    `expected an integer number of bytes from 1 to ${MAX_RAISED_RECORD_BYTES} (10 MiB)`,
  );
  const maxRequestBytes = numberOption(
    'maxRequestBytes',
    options.maxRequestBytes,
    Math.max(PUT_RECORDS_MAX_BYTES, maxRecordBytes),
    isInteger(maxRecordBytes, PUT_RECORDS_MAX_RAISED_BYTES),
    `expected an integer number of bytes from maxRecordBytes (${maxRecordBytes}) to ${PUT_RECORDS_MAX_RAISED_BYTES} (10 MiB)`,
  );
  const putBandwidthKiB = numberOption(
    'putBandwidthLimitPerShard',
    options.putBandwidthLimitPerShard,
    DEFAULT_PUT_BANDWIDTH_KIB_PER_SHARD,
    isFinitePositive,
    'expected a number of KiB per second > 0 (Kinesis allows 1024 per shard)',
  );
  const expoBackoff = numberOption(
    'expoBackoff',
    options.expoBackoff,
    DEFAULT_EXPO_BACKOFF_MS,
    isFinitePositive,
    'expected a number of milliseconds > 0',
  );
  const maxQueueBytes = numberOption(
    'maxQueueBytes',
    options.maxQueueBytes,
    Math.max(DEFAULT_MAX_QUEUE_BYTES, maxRecordBytes),
    (v) => v >= maxRecordBytes,
    `expected a number of bytes >= maxRecordBytes (${maxRecordBytes}), or Infinity`,
  );
  const scheduler = options.scheduler ?? asyncScheduler;
  if (typeof scheduler?.schedule !== 'function' || typeof scheduler.now !== 'function') {
    throw new InvalidOptionError(
      'scheduler',
      scheduler,
      'expected an RxJS SchedulerLike such as asyncScheduler',
    );
  }
  const createStream = booleanOption('createStream', options.createStream);
  return {
    address,
    processor: processorOption(options.processor),
    partitionKey,
    explicitHashKey: functionOption(
      'explicitHashKey',
      options.explicitHashKey,
      'expected a function (item, index) => string | undefined',
    ),
    // A longer wait is as long as a timer can (about 24.8 days): Node would run it after 1 ms.
    bufferTime: Math.min(
      MAX_TIMER_MS,
      numberOption(
        'bufferTime',
        options.bufferTime,
        DEFAULT_BUFFER_TIME_MS,
        (v) => Number.isFinite(v) && v >= 0,
        'expected a number of milliseconds >= 0',
      ),
    ),
    batchSize: numberOption(
      'batchSize',
      options.batchSize,
      PUT_RECORDS_MAX_RECORDS,
      isInteger(1, PUT_RECORDS_MAX_RECORDS),
      `expected an integer from 1 to ${PUT_RECORDS_MAX_RECORDS}`,
    ),
    maxRequestBytes,
    maxRecordBytes,
    putRateLimitPerShard: numberOption(
      'putRateLimitPerShard',
      options.putRateLimitPerShard,
      SHARD_WRITE_RECORDS_PER_SECOND,
      isFinitePositive,
      'expected a number of records per second > 0 (Kinesis allows 1000 per shard)',
    ),
    putBandwidthPerShard: putBandwidthKiB * 1024,
    maxQueueSize: numberOption(
      'maxQueueSize',
      options.maxQueueSize,
      DEFAULT_MAX_QUEUE_SIZE,
      isInteger(1, Number.MAX_SAFE_INTEGER),
      'expected an integer >= 1',
    ),
    queueScalesWithShards: options.maxQueueSize === undefined,
    maxQueueBytes,
    queueBytesScaleWithShards: options.maxQueueBytes === undefined,
    retryLimit: numberOption(
      'retryLimit',
      options.retryLimit,
      Number.POSITIVE_INFINITY,
      (v) => v === Number.POSITIVE_INFINITY || (Number.isInteger(v) && v >= 0),
      'expected an integer >= 0, or Infinity',
    ),
    expoBackoff,
    expoBackoffLimit: numberOption(
      'expoBackoffLimit',
      options.expoBackoffLimit,
      Math.max(DEFAULT_EXPO_BACKOFF_LIMIT_MS, expoBackoff),
      (v) => Number.isFinite(v) && v >= expoBackoff,
      `expected a number of milliseconds >= expoBackoff (${expoBackoff})`,
    ),
    afterFlush: functionOption('afterFlush', options.afterFlush, 'expected an (async) function'),
    // A stream it creates is CREATING for a while: waiting 0 ms for it could only fail.
    streamWaitTime: numberOption(
      'streamWaitTime',
      options.streamWaitTime,
      DEFAULT_STREAM_WAIT_TIME_MS,
      (v) => v === Number.POSITIVE_INFINITY || (Number.isFinite(v) && (createStream ? v > 0 : v >= 0)),
      createStream
        ? 'expected a number of milliseconds > 0, or Infinity: with createStream: true the producer waits for the stream it creates, which is CREATING for some seconds'
        : 'expected a number of milliseconds >= 0, or Infinity',
    ),
    connectionFailureTimeout: numberOption(
      'connectionFailureTimeout',
      options.connectionFailureTimeout,
      DEFAULT_CONNECTION_FAILURE_TIMEOUT_MS,
      (v) => v === Number.POSITIVE_INFINITY || (Number.isFinite(v) && v >= 0),
      'expected a number of milliseconds >= 0, or Infinity',
    ),
    createStream,
    createStreamShards: numberOption(
      'createStreamShards',
      options.createStreamShards,
      1,
      isInteger(1, 10_000),
      'expected an integer from 1 to 10000',
    ),
    preserveOrder: booleanOption('preserveOrder', options.preserveOrder),
    maxInFlightRequests: numberOption(
      'maxInFlightRequests',
      options.maxInFlightRequests,
      DEFAULT_MAX_IN_FLIGHT_REQUESTS,
      isInteger(1, 1000),
      'expected an integer from 1 to 1000',
    ),
    shardMapRefreshInterval: numberOption(
      'shardMapRefreshInterval',
      options.shardMapRefreshInterval,
      DEFAULT_SHARD_MAP_REFRESH_INTERVAL_MS,
      isFinitePositive,
      'expected a number of milliseconds > 0',
    ),
    scheduler,
    random: safeRandom(
      functionOption('random', options.random, 'expected a function returning a number in [0, 1)') ??
        Math.random,
    ),
    logger: options.logger === undefined ? undefined : validateLogger(options.logger),
    connectTimeout,
    requestTimeout,
  };
}
