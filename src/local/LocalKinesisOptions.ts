import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { unknownOptionError } from '../errors/unknownOptionError.js';
import { resolveCors, type CorsPolicy, type LocalKinesisCors } from './cors.js';
import {
  resolveFanOutOptions,
  type LocalFanOutOptions,
  type ResolvedFanOutOptions,
} from './efo/LocalFanOutOptions.js';
import { resolveFaults, type LocalKinesisFaults } from './LocalKinesisFaults.js';
import { resolveLimits, type LocalKinesisLimits } from './LocalKinesisLimits.js';
import { resolveStreams, type LocalStreamSpec } from './LocalStreamSpec.js';
import { positiveOption } from './positiveOption.js';

export interface LocalKinesisOptions {
  /** Port of the endpoint. 0 or omitted: a free port. */
  readonly port?: number | undefined;
  /**
   * Address to listen on. Default 127.0.0.1. `0.0.0.0` or `::`: every interface (`endpoint` then
   * names the loopback, 127.0.0.1 or [::1]).
   */
  readonly host?: string | undefined;
  /** Region the endpoint claims. Default us-east-1. */
  readonly region?: string | undefined;
  /** `true` (AWS defaults) or an object of limits to enforce. Default: no limits. */
  readonly limits?: boolean | LocalKinesisLimits | undefined;
  /** Faults to inject. Default: none. */
  readonly faults?: LocalKinesisFaults | undefined;
  /** Streams to create at start, as a list or as `{ name: shardCount }`. */
  readonly streams?: ReadonlyArray<LocalStreamSpec> | Readonly<Record<string, number>> | undefined;
  /** Clock in milliseconds for the rate windows. Default Date.now. */
  readonly clock?: (() => number) | undefined;
  /**
   * How long a stream stays CREATING, UPDATING (per SplitShard, MergeShards or UpdateShardCount
   * step) or DELETING, in ms. Default 100: short, but code that does not wait for ACTIVE fails
   * here as it would on AWS. 0 makes every change instant.
   */
  readonly streamStatusDelayMs?: number | undefined;
  /** Most open shards over all streams (the account shard limit). Default 500, as on AWS. */
  readonly shardLimit?: number | undefined;
  /**
   * Let browser pages on other origins call the endpoint (CORS): `true` for any origin,
   * `{ origins: ['http://localhost:4200'] }` for those only. Default false (the CLI's
   * `rxjs-kinesis local` turns it on).
   */
  readonly cors?: LocalKinesisCors | undefined;
  /** Enhanced fan-out: consumer status delay, consumers per stream, subscription lifetime. */
  readonly efo?: LocalFanOutOptions | undefined;
}

export const DEFAULT_STREAM_STATUS_DELAY_MS = 100;
export const DEFAULT_SHARD_LIMIT = 500;

/** Every option name: the type makes a new option fail to compile until it is listed here. */
const KNOWN_OPTIONS: Readonly<Record<keyof LocalKinesisOptions, true>> = {
  port: true,
  host: true,
  region: true,
  limits: true,
  faults: true,
  streams: true,
  clock: true,
  streamStatusDelayMs: true,
  shardLimit: true,
  cors: true,
  efo: true,
};
const MAX_SHARD_LIMIT = 100_000;

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

/** Validates the options of startLocalKinesis and fills in the defaults. */
export function resolveLocalKinesisOptions(options: LocalKinesisOptions = {}): ResolvedLocalKinesisOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an options object');
  }
  // A misspelt name (`limit: true`) would otherwise start a local Kinesis without what it asked
  // for, silently, where a misspelt limit, fault or efo setting is refused.
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(KNOWN_OPTIONS, key)) throw unknownOptionError(key, Object.keys(KNOWN_OPTIONS));
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
      : positiveOption(options.shardLimit, 'shardLimit', true, MAX_SHARD_LIMIT);
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
