import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { asyncScheduler } from 'rxjs';
import { toCheckpointer } from '../checkpointers/toCheckpointer.js';
import { validateConnectionTimeouts } from '../kinesis/createKinesisClient.js';
import { MAX_TIMER_MS } from '../kinesis/callDeadline.js';
import { validateClientOptions } from '../kinesis/validateClientOptions.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { unknownOptionError } from '../errors/unknownOptionError.js';
import {
  GET_RECORDS_CALLS_PER_SECOND,
  GET_RECORDS_MAX_RECORDS,
  MAX_CREATE_SHARD_COUNT,
} from '../kinesis/limits.js';
import { parseStreamAddress } from '../kinesis/streamAddress.js';
import { safeRandom } from '../kinesis/safeRandom.js';
import { validateLogger } from '../logging/validateLogger.js';
import { jsonProcessor } from '../processors/namedProcessors.js';
import { resolveEnhancedFanOut } from './resolveEnhancedFanOut.js';
import type { ConsumerIteratorType, ConsumerOptions, ResolvedConsumerOptions } from './ConsumerOptions.js';

/**
 * Epoch milliseconds of 1973-03-03: a `timestamp` number below it names a time decades before
 * Kinesis (2013), so it is epoch seconds (as the Kinesis API, the AWS CLI and boto3 count) taken
 * for milliseconds.
 */
const EPOCH_MS_BEFORE_KINESIS = 1e11;

/** Consecutive timed-out reads after which a grouped reading gives its shard up. */
export const DEFAULT_STALL_TIMEOUTS = 3;
/** How long a stop's final writes may take by default (see ConsumerOptions.finalWritesTimeoutMs). */
export const DEFAULT_FINAL_WRITES_TIMEOUT_MS = 10_000;

const KNOWN = new Set([
  'streamName',
  'logger',
  'client',
  'region',
  'endpoint',
  'credentials',
  'connectTimeout',
  'requestTimeout',
  'checkpointer',
  'ackOnEmit',
  'checkpointerTimeoutMs',
  'finalWritesTimeoutMs',
  'processor',
  'iteratorType',
  'timestamp',
  'sequenceNumber',
  'recordLimit',
  'shardFetchRate',
  'sleepTimeNoRecords',
  'maxQueueSize',
  'maxQueueItems',
  'maxQueueBytes',
  'maxShardConsumers',
  'shardRefreshInterval',
  'takeoverGraceMs',
  'retryLimit',
  'stallTimeouts',
  'expoBackoff',
  'expoBackoffLimit',
  'createStream',
  'createStreamShards',
  'workerId',
  'scheduler',
  'random',
  'enhancedFanOut',
  'deregisterOnStop',
]);
const ITERATOR_TYPES: readonly ConsumerIteratorType[] = [
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
];
const SEQUENCE_NUMBER = /^[0-9]{1,128}$/;

function integer(option: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `expected an integer from ${min} to ${max}`);
  }
  return value;
}

/** A deadline in ms: a number above 0 that a timer can wait, or Infinity (no deadline). */
function deadline(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new InvalidOptionError(
      option,
      value,
      `expected a number of milliseconds > 0 and at most ${MAX_TIMER_MS}, or Infinity (no deadline)`,
    );
  }
  return value;
}

/**
 * An interval or wait in ms, at least `min`. One past the longest timer is waited as long as a
 * timer can (about 24.8 days): Node would run it after 1 ms.
 */
function milliseconds(option: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidOptionError(option, value, `expected a finite number of milliseconds >= ${min}`);
  }
  return Math.min(value, MAX_TIMER_MS);
}

/** Validates fromKinesis() options and applies defaults; throws InvalidOptionError before any I/O. */
export function resolveConsumerOptions(options: ConsumerOptions): ResolvedConsumerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object with at least { streamName }');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw unknownOptionError(key, KNOWN);
    }
  }
  const address = parseStreamAddress(options.streamName, 'streamName');
  const iteratorType = options.iteratorType ?? 'TRIM_HORIZON';
  if (!ITERATOR_TYPES.includes(iteratorType)) {
    throw new InvalidOptionError(
      'iteratorType',
      iteratorType,
      `expected one of ${ITERATOR_TYPES.join(', ')}`,
    );
  }
  let timestamp: Date | undefined;
  if (iteratorType === 'AT_TIMESTAMP') {
    const raw = options.timestamp;
    timestamp = raw instanceof Date ? raw : typeof raw === 'number' ? new Date(raw) : undefined;
    if (timestamp === undefined || Number.isNaN(timestamp.getTime())) {
      throw new InvalidOptionError(
        'timestamp',
        raw,
        'iteratorType AT_TIMESTAMP needs a timestamp: a Date or epoch milliseconds',
      );
    }
    if (typeof raw === 'number' && raw < EPOCH_MS_BEFORE_KINESIS) {
      const asSeconds = new Date(raw * 1000);
      throw new InvalidOptionError(
        'timestamp',
        raw,
        'a number is epoch milliseconds; this one names a time before Kinesis existed and looks like epoch seconds' +
          (Number.isNaN(asSeconds.getTime()) ? '' : ` (${asSeconds.toISOString()}: pass ${raw * 1000})`),
      );
    }
  } else if (options.timestamp !== undefined) {
    throw new InvalidOptionError(
      'timestamp',
      options.timestamp,
      'only allowed with iteratorType AT_TIMESTAMP',
    );
  }
  const sequenceNumber = options.sequenceNumber;
  if (iteratorType === 'AT_SEQUENCE_NUMBER' || iteratorType === 'AFTER_SEQUENCE_NUMBER') {
    const values =
      typeof sequenceNumber === 'string'
        ? [sequenceNumber]
        : typeof sequenceNumber === 'object' && sequenceNumber !== null
          ? Object.values(sequenceNumber)
          : undefined;
    if (
      values === undefined ||
      values.length === 0 ||
      !values.every((v) => typeof v === 'string' && SEQUENCE_NUMBER.test(v))
    ) {
      throw new InvalidOptionError(
        'sequenceNumber',
        sequenceNumber,
        `iteratorType ${iteratorType} needs a sequenceNumber: a decimal string, or an object of shard id -> decimal string`,
      );
    }
  } else if (sequenceNumber !== undefined) {
    throw new InvalidOptionError(
      'sequenceNumber',
      sequenceNumber,
      'only allowed with iteratorType AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER',
    );
  }
  const checkpointer =
    options.checkpointer === undefined ? undefined : toCheckpointer(options.checkpointer, 'checkpointer');
  const processor = options.processor ?? jsonProcessor();
  if (
    typeof processor !== 'object' ||
    processor === null ||
    typeof processor.serializer !== 'object' ||
    typeof processor.aggregator !== 'object'
  ) {
    throw new InvalidOptionError('processor', processor, 'expected a Processor (e.g. jsonProcessor())');
  }
  const shardFetchRate = options.shardFetchRate ?? 1;
  if (
    typeof shardFetchRate !== 'number' ||
    !Number.isFinite(shardFetchRate) ||
    shardFetchRate <= 0 ||
    shardFetchRate > GET_RECORDS_CALLS_PER_SECOND
  ) {
    throw new InvalidOptionError(
      'shardFetchRate',
      shardFetchRate,
      `expected GetRecords calls per second per shard, more than 0 and at most ${GET_RECORDS_CALLS_PER_SECOND}`,
    );
  }
  const retryLimit = options.retryLimit ?? 5;
  if (
    retryLimit !== Number.POSITIVE_INFINITY &&
    (typeof retryLimit !== 'number' || !Number.isInteger(retryLimit) || retryLimit < 0)
  ) {
    throw new InvalidOptionError('retryLimit', retryLimit, 'expected an integer >= 0, or Infinity');
  }
  const stallTimeouts = options.stallTimeouts ?? DEFAULT_STALL_TIMEOUTS;
  if (typeof stallTimeouts !== 'number' || !Number.isInteger(stallTimeouts) || stallTimeouts < 1) {
    throw new InvalidOptionError('stallTimeouts', stallTimeouts, 'expected an integer >= 1');
  }
  const expoBackoff = milliseconds('expoBackoff', options.expoBackoff, 1, 100);
  const expoBackoffLimit = milliseconds(
    'expoBackoffLimit',
    options.expoBackoffLimit,
    expoBackoff,
    Math.max(30_000, expoBackoff),
  );
  const workerId = options.workerId ?? defaultWorkerId();
  if (typeof workerId !== 'string' || workerId.length === 0 || workerId.length > 256) {
    throw new InvalidOptionError(
      'workerId',
      workerId,
      'expected a non-empty string of at most 256 characters',
    );
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  if (
    typeof scheduler !== 'object' ||
    scheduler === null ||
    typeof scheduler.schedule !== 'function' ||
    typeof scheduler.now !== 'function'
  ) {
    throw new InvalidOptionError('scheduler', scheduler, 'expected an RxJS SchedulerLike');
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') {
    throw new InvalidOptionError('random', random, 'expected a function returning a number in [0, 1)');
  }
  if (options.ackOnEmit !== undefined && typeof options.ackOnEmit !== 'boolean') {
    throw new InvalidOptionError('ackOnEmit', options.ackOnEmit, 'expected true or false');
  }
  if (options.createStream !== undefined && typeof options.createStream !== 'boolean') {
    throw new InvalidOptionError('createStream', options.createStream, 'expected true or false');
  }
  const enhancedFanOut = resolveEnhancedFanOut(options.enhancedFanOut, options.deregisterOnStop, address);
  // The client is built when the consumer starts (on the first subscription): what it is built
  // from is checked now all the same.
  validateClientOptions(options);
  return {
    address,
    ...(options.client === undefined ? {} : { client: options.client }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...validateConnectionTimeouts(options),
    ...(checkpointer === undefined ? {} : { checkpointer }),
    ackOnEmit: options.ackOnEmit ?? true,
    checkpointerTimeoutMs: milliseconds('checkpointerTimeoutMs', options.checkpointerTimeoutMs, 1, 30_000),
    finalWritesTimeoutMs: deadline(
      'finalWritesTimeoutMs',
      options.finalWritesTimeoutMs,
      DEFAULT_FINAL_WRITES_TIMEOUT_MS,
    ),
    processor,
    iteratorType,
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
    recordLimit: integer(
      'recordLimit',
      options.recordLimit,
      1,
      GET_RECORDS_MAX_RECORDS,
      GET_RECORDS_MAX_RECORDS,
    ),
    shardFetchRate,
    sleepTimeNoRecords: milliseconds('sleepTimeNoRecords', options.sleepTimeNoRecords, 0, 2000),
    maxQueueSize: integer('maxQueueSize', options.maxQueueSize, 1, Number.MAX_SAFE_INTEGER, 10_000),
    maxQueueSizeScales: options.maxQueueSize === undefined,
    maxQueueItems: integer('maxQueueItems', options.maxQueueItems, 1, Number.MAX_SAFE_INTEGER, 100_000),
    maxQueueBytes: integer(
      'maxQueueBytes',
      options.maxQueueBytes,
      1,
      Number.MAX_SAFE_INTEGER,
      256 * 1024 * 1024,
    ),
    maxShardConsumers: integer(
      'maxShardConsumers',
      options.maxShardConsumers,
      1,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
    ),
    shardRefreshInterval: milliseconds('shardRefreshInterval', options.shardRefreshInterval, 100, 60_000),
    takeoverGraceMs: milliseconds('takeoverGraceMs', options.takeoverGraceMs, 0, 0),
    retryLimit,
    stallTimeouts,
    expoBackoff,
    expoBackoffLimit,
    createStream: options.createStream ?? false,
    createStreamShards: integer(
      'createStreamShards',
      options.createStreamShards,
      1,
      MAX_CREATE_SHARD_COUNT,
      1,
    ),
    workerId,
    scheduler,
    // A bad draw (a throw, NaN, 2) stands for Math.random(): it only spreads back-off delays.
    random: safeRandom(random),
    ...(options.logger === undefined ? {} : { logger: validateLogger(options.logger) }),
    ...(enhancedFanOut === undefined ? {} : { enhancedFanOut }),
  };
}

/**
 * A worker id unique to this process start: host, pid and a random part (a pid alone is 1 in
 * every container, and an id shared by two processes would make them share every lease).
 */
function defaultWorkerId(): string {
  return `${hostname().slice(0, 200)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
