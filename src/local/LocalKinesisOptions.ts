import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { resolveCors, type CorsPolicy, type LocalKinesisCors } from './cors.js';
import {
  resolveFanOutOptions,
  type LocalFanOutOptions,
  type ResolvedFanOutOptions,
} from './efo/LocalFanOutOptions.js';

/** Kinesis limits the local server enforces. Every field defaults to the AWS value. */
export interface LocalKinesisLimits {
  /** Bytes (data + partition key) written per shard per second. Default 1 MiB. */
  readonly writeBytesPerSecond?: number;
  /** Records written per shard per second. Default 1,000. */
  readonly writeRecordsPerSecond?: number;
  /** GetRecords calls per shard per second. Default 5. */
  readonly getRecordsCallsPerSecond?: number;
  /** Bytes read per shard per second. Default 2 MiB. */
  readonly readBytesPerSecond?: number;
  /** Largest record (data + partition key). Default 1 MiB, the most kinesalite stores. */
  readonly maxRecordBytes?: number;
  /** Most records in one PutRecords. Default 500. */
  readonly maxRecordsPerRequest?: number;
  /** Largest PutRecords request (data + partition keys). Default 5 MiB. */
  readonly maxRequestBytes?: number;
  /** Bytes pushed per second to each registered consumer from each shard (enhanced fan-out). Default 2 MiB. */
  readonly fanOutBytesPerSecond?: number;
  /** SubscribeToShard calls per second per consumer and shard. Default 1. */
  readonly subscribeToShardCallsPerSecond?: number;
}

/** Faults the local server injects, drawn from a seeded generator. */
export interface LocalKinesisFaults {
  /** Share (0..1) of PutRecords entries answered with ErrorCode InternalFailure. */
  readonly internalFailureRate?: number;
  /** Share (0..1) of requests (any API) answered with HTTP 500 InternalFailure. */
  readonly serverErrorRate?: number;
  /** Share (0..1) of requests whose connection is destroyed without a response (nothing is done). */
  readonly connectionResetRate?: number;
  /**
   * Share (0..1) of requests that are read and never answered: the connection stays open and
   * silent until the client gives up (a "black hole"). Nothing is done.
   */
  readonly blackHoleRate?: number;
  /**
   * Share (0..1) of requests that are carried out (a write is stored) and whose connection is
   * then destroyed instead of answered, so the client cannot know the outcome.
   */
  readonly resetAfterWriteRate?: number;
  /**
   * Share (0..1) of SubscribeToShard events replaced by dropping the connection that carries the
   * subscription (under HTTP/2 with every other exchange on it).
   */
  readonly subscriptionDropRate?: number;
  /**
   * Share (0..1) of SubscribeToShard events at which the subscription falls silent: no more
   * events, the stream left open (half-open) until the client gives up.
   */
  readonly silentSubscriptionRate?: number;
  /** Latency added to every request, in milliseconds. */
  readonly latencyMs?: number;
  /** Seed of the generator; the same seed and request sequence give the same faults. Default 1. */
  readonly seed?: number;
}

/** A stream to create when the server starts. */
export interface LocalStreamSpec {
  readonly name: string;
  readonly shards: number;
}

export interface LocalKinesisOptions {
  /** Port of the endpoint. 0 or omitted: a free port. */
  readonly port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Region the endpoint claims. Default us-east-1. */
  readonly region?: string;
  /** `true` (AWS defaults) or an object of limits to enforce. Default: no limits. */
  readonly limits?: boolean | LocalKinesisLimits;
  /** Faults to inject. Default: none. */
  readonly faults?: LocalKinesisFaults;
  /** Streams to create at start, as a list or as `{ name: shardCount }`. */
  readonly streams?: ReadonlyArray<LocalStreamSpec> | Readonly<Record<string, number>>;
  /** Clock in milliseconds for the rate windows. Default Date.now. */
  readonly clock?: () => number;
  /**
   * How long a stream stays CREATING, UPDATING (per SplitShard, MergeShards or UpdateShardCount
   * step) or DELETING, in ms. Default 100: short, but code that does not wait for ACTIVE fails
   * here as it would on AWS. 0 makes every change instant.
   */
  readonly streamStatusDelayMs?: number;
  /** Most open shards over all streams (the account shard limit). Default 500, as on AWS. */
  readonly shardLimit?: number;
  /**
   * Let browser pages on other origins call the endpoint (CORS): `true` for any origin,
   * `{ origins: ['http://localhost:4200'] }` for those only. Default false (the CLI's
   * `rxjs-kinesis local` turns it on).
   */
  readonly cors?: LocalKinesisCors;
  /** Enhanced fan-out: consumer status delay, consumers per stream, subscription lifetime. */
  readonly efo?: LocalFanOutOptions;
}

export const MIB = 1024 * 1024;
export const DEFAULT_STREAM_STATUS_DELAY_MS = 100;
export const DEFAULT_SHARD_LIMIT = 500;
const MAX_SHARD_LIMIT = 100_000;

export const DEFAULT_LIMITS: Required<LocalKinesisLimits> = {
  writeBytesPerSecond: MIB,
  writeRecordsPerSecond: 1000,
  getRecordsCallsPerSecond: 5,
  readBytesPerSecond: 2 * MIB,
  maxRecordBytes: MIB,
  maxRecordsPerRequest: 500,
  maxRequestBytes: 5 * MIB,
  fanOutBytesPerSecond: 2 * MIB,
  subscribeToShardCallsPerSecond: 1,
};

/** Options after validation, with every default filled in. */
export interface ResolvedLocalKinesisOptions {
  readonly port: number;
  readonly host: string;
  readonly region: string;
  readonly limits: Required<LocalKinesisLimits> | undefined;
  readonly faults: Required<LocalKinesisFaults>;
  readonly streams: readonly LocalStreamSpec[];
  readonly clock: () => number;
  readonly streamStatusDelayMs: number;
  readonly shardLimit: number;
  readonly cors: CorsPolicy | undefined;
  readonly efo: ResolvedFanOutOptions;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
/** Most shards a local stream may have; kinesalite keeps every shard in memory. */
export const MAX_LOCAL_SHARDS = 1000;

/** Validates `name` as a Kinesis stream name; throws InvalidOptionError otherwise. */
export function validateStreamName(name: unknown, option = 'streams.name'): string {
  if (typeof name !== 'string' || !STREAM_NAME.test(name)) {
    throw new InvalidOptionError(
      option,
      name,
      'a stream name must have 1 to 128 characters from a-z, A-Z, 0-9, "_", "." and "-"',
    );
  }
  return name;
}

/** Validates a shard count; throws InvalidOptionError otherwise. */
export function validateShardCount(shards: unknown, option = 'streams.shards'): number {
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > MAX_LOCAL_SHARDS) {
    throw new InvalidOptionError(
      option,
      shards,
      `expected an integer shard count from 1 to ${MAX_LOCAL_SHARDS}`,
    );
  }
  return shards;
}

function positive(value: unknown, option: string, integer: boolean, max?: number): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > 0 &&
    (!integer || Number.isInteger(value)) &&
    (max === undefined || value <= max);
  if (!ok) {
    const kind = integer ? 'a positive integer' : 'a positive number';
    throw new InvalidOptionError(
      option,
      value,
      max === undefined ? `expected ${kind}` : `expected ${kind} up to ${max}`,
    );
  }
  return value as number;
}

function rate(value: unknown, option: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidOptionError(option, value, 'expected a rate from 0 to 1');
  }
  return value;
}

function resolveLimits(limits: unknown): Required<LocalKinesisLimits> | undefined {
  if (limits === undefined || limits === false) return undefined;
  if (limits === true) return { ...DEFAULT_LIMITS };
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new InvalidOptionError('limits', limits, 'expected true, false or an object of limits');
  }
  const given = limits as Record<string, unknown>;
  const resolved: Record<string, number> = { ...DEFAULT_LIMITS };
  // kinesalite stores at most 1 MiB per record and reads at most 7 MiB per request body.
  const maxima: Partial<Record<keyof LocalKinesisLimits, number>> = {
    maxRecordBytes: MIB,
    maxRequestBytes: 5 * MIB,
    maxRecordsPerRequest: 500,
  };
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new InvalidOptionError(
        `limits.${key}`,
        given[key],
        `known limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`,
      );
    }
    const value = given[key];
    if (value === undefined) continue;
    const name = key as keyof LocalKinesisLimits;
    resolved[name] = positive(
      value,
      `limits.${key}`,
      name !== 'writeBytesPerSecond' && name !== 'readBytesPerSecond' && name !== 'fanOutBytesPerSecond',
      maxima[name],
    );
  }
  return resolved as Required<LocalKinesisLimits>;
}

function resolveFaults(faults: unknown): Required<LocalKinesisFaults> {
  if (faults === undefined) {
    return {
      internalFailureRate: 0,
      serverErrorRate: 0,
      connectionResetRate: 0,
      blackHoleRate: 0,
      resetAfterWriteRate: 0,
      subscriptionDropRate: 0,
      silentSubscriptionRate: 0,
      latencyMs: 0,
      seed: 1,
    };
  }
  if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) {
    throw new InvalidOptionError('faults', faults, 'expected an object of fault rates');
  }
  const given = faults as Record<string, unknown>;
  const known = [
    'internalFailureRate',
    'serverErrorRate',
    'connectionResetRate',
    'blackHoleRate',
    'resetAfterWriteRate',
    'subscriptionDropRate',
    'silentSubscriptionRate',
    'latencyMs',
    'seed',
  ];
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(
        `faults.${key}`,
        given[key],
        `known fault settings are ${known.join(', ')}`,
      );
    }
  }
  const latencyMs = given.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > 60_000) {
    throw new InvalidOptionError('faults.latencyMs', latencyMs, 'expected milliseconds from 0 to 60000');
  }
  const seed = given.seed ?? 1;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new InvalidOptionError('faults.seed', seed, 'expected an integer seed');
  }
  return {
    internalFailureRate: rate(given.internalFailureRate, 'faults.internalFailureRate'),
    serverErrorRate: rate(given.serverErrorRate, 'faults.serverErrorRate'),
    connectionResetRate: rate(given.connectionResetRate, 'faults.connectionResetRate'),
    blackHoleRate: rate(given.blackHoleRate, 'faults.blackHoleRate'),
    resetAfterWriteRate: rate(given.resetAfterWriteRate, 'faults.resetAfterWriteRate'),
    subscriptionDropRate: rate(given.subscriptionDropRate, 'faults.subscriptionDropRate'),
    silentSubscriptionRate: rate(given.silentSubscriptionRate, 'faults.silentSubscriptionRate'),
    latencyMs,
    seed,
  };
}

function resolveStreams(streams: unknown): LocalStreamSpec[] {
  if (streams === undefined) return [];
  let entries: Array<[unknown, unknown]>;
  if (Array.isArray(streams)) {
    entries = streams.map((spec: unknown) => {
      if (typeof spec !== 'object' || spec === null) {
        throw new InvalidOptionError('streams', spec, 'expected { name: string, shards: number } entries');
      }
      const { name, shards } = spec as { name?: unknown; shards?: unknown };
      return [name, shards];
    });
  } else if (typeof streams === 'object' && streams !== null) {
    entries = Object.entries(streams);
  } else {
    throw new InvalidOptionError(
      'streams',
      streams,
      'expected a list of { name, shards } or an object { name: shards }',
    );
  }
  const seen = new Set<string>();
  return entries.map(([name, shards]) => {
    const streamName = validateStreamName(name);
    if (seen.has(streamName))
      throw new InvalidOptionError('streams.name', name, 'each stream may be listed once');
    seen.add(streamName);
    return { name: streamName, shards: validateShardCount(shards) };
  });
}

/** Validates the options of startLocalKinesis and fills in the defaults. */
export function resolveLocalKinesisOptions(options: LocalKinesisOptions = {}): ResolvedLocalKinesisOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an options object');
  }
  const port = options.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidOptionError('port', port, 'expected an integer from 0 to 65535 (0 = a free port)');
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) {
    throw new InvalidOptionError('host', host, 'expected a host name or IP address such as "127.0.0.1"');
  }
  const region = options.region ?? 'us-east-1';
  if (typeof region !== 'string' || !/^[a-z0-9-]{1,64}$/.test(region)) {
    throw new InvalidOptionError('region', region, 'expected an AWS region such as "us-east-1"');
  }
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') {
    throw new InvalidOptionError('clock', clock, 'expected a function returning milliseconds');
  }
  const streamStatusDelayMs = options.streamStatusDelayMs ?? DEFAULT_STREAM_STATUS_DELAY_MS;
  if (
    typeof streamStatusDelayMs !== 'number' ||
    !Number.isInteger(streamStatusDelayMs) ||
    streamStatusDelayMs < 0 ||
    streamStatusDelayMs > 60_000
  ) {
    throw new InvalidOptionError(
      'streamStatusDelayMs',
      streamStatusDelayMs,
      'expected milliseconds, an integer from 0 to 60000',
    );
  }
  const shardLimit =
    options.shardLimit === undefined
      ? DEFAULT_SHARD_LIMIT
      : positive(options.shardLimit, 'shardLimit', true, MAX_SHARD_LIMIT);
  return {
    port,
    host,
    region,
    streamStatusDelayMs,
    shardLimit,
    limits: resolveLimits(options.limits),
    faults: resolveFaults(options.faults),
    streams: resolveStreams(options.streams),
    clock,
    cors: resolveCors(options.cors),
    efo: resolveFanOutOptions(options.efo, streamStatusDelayMs),
  };
}
