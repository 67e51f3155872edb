import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { unknownOptionError } from '../errors/unknownOptionError.js';
import type { ProducerOptions } from './ProducerOptions.js';
import type { ToKinesisOptions } from './ToKinesisOptions.js';

/** Every option of Producer (the compiler keeps this list and ProducerOptions in step). */
const PRODUCER: Readonly<Record<keyof ProducerOptions<unknown>, true>> = {
  streamName: true,
  processor: true,
  partitionKey: true,
  explicitHashKey: true,
  bufferTime: true,
  batchSize: true,
  maxRequestBytes: true,
  maxRecordBytes: true,
  putRateLimitPerShard: true,
  putBandwidthLimitPerShard: true,
  maxQueueSize: true,
  maxQueueBytes: true,
  retryLimit: true,
  expoBackoff: true,
  expoBackoffLimit: true,
  afterFlush: true,
  streamWaitTime: true,
  connectionFailureTimeout: true,
  createStream: true,
  createStreamShards: true,
  preserveOrder: true,
  maxInFlightRequests: true,
  shardMapRefreshInterval: true,
  scheduler: true,
  random: true,
  flushOn: true,
  logger: true,
  client: true,
  region: true,
  endpoint: true,
  credentials: true,
  maxAttempts: true,
  connectTimeout: true,
  requestTimeout: true,
};

/** The options toKinesis() takes beyond Producer's. */
const OPERATOR_ONLY: Readonly<
  Record<Exclude<keyof ToKinesisOptions<unknown>, keyof ProducerOptions<unknown>>, true>
> = {
  onFailure: true,
  overflow: true,
  flushOnUnsubscribe: true,
  flushTimeoutMs: true,
  metricsObserver: true,
};

/**
 * Refuses options that are not an object, and an option name neither Producer (`'producer'`) nor
 * toKinesis() (`'operator'`) knows, such as a misspelt one that would otherwise be ignored, with
 * InvalidOptionError (the value redacted as for any option). Names only the operator knows are
 * refused by Producer with a hint. `ownNames`: the options a caller wrapping the Producer took
 * out of `options` first (the NestJS client's `serializer`), listed among the known ones.
 */
export function checkOptionNames(
  options: unknown,
  entry: 'producer' | 'operator',
  ownNames: readonly string[] = [],
): void {
  // Checked first: the other checks read options from it.
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object with at least { streamName }');
  }
  for (const name of Object.keys(options)) {
    if (Object.hasOwn(PRODUCER, name)) continue;
    const value = (options as Record<string, unknown>)[name];
    if (Object.hasOwn(OPERATOR_ONLY, name)) {
      if (entry === 'operator') continue;
      throw new InvalidOptionError(name, value, 'an option of toKinesis(), not of Producer');
    }
    throw unknownOptionError(name, [
      ...Object.keys(PRODUCER),
      ...(entry === 'operator' ? Object.keys(OPERATOR_ONLY) : []),
      ...ownNames,
    ]);
  }
}
