import type { Cluster, Redis } from 'ioredis';
import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { resolveBackoffOptions, type BackoffOptions } from '../../kinesis/backoff.js';
import { isRedisClient, type RedisClient } from './RedisClient.js';

export interface RedisCheckpointerOptions {
  /**
   * An ioredis `Redis` or `Cluster` instance (you keep owning it: `close()` leaves it open), or
   * a `redis://` / `rediss://` URL (the checkpointer opens the connection and closes it).
   */
  readonly redis: Redis | Cluster | RedisClient | string;
  /** The application (consumer group) name: workers with the same name share the stream. */
  readonly name: string;
  /**
   * How long, in milliseconds, a lease and a worker's heartbeat last without renewal. Default
   * 60000 (60 s). This is also the checkpointer's `leaseDurationMs`.
   */
  readonly sessionTimeout?: number;
  /**
   * How often, in milliseconds, workers should heartbeat and renew their leases. Default
   * sessionTimeout / 4; at most sessionTimeout / 2.
   */
  readonly heartbeatInterval?: number;
  /** Prefix of every key. Default `rxjs-kinesis:`. Must not contain `{` or `}`. */
  readonly keyPrefix?: string;
  /**
   * How long, in milliseconds, an owner has to honour a handoff request before the requester
   * may take the lease over. Default sessionTimeout.
   */
  readonly handoffTimeoutMs?: number;
  /**
   * How long, in milliseconds, a lease released with `handoffTo` stays reserved for the
   * requester. Default 2 * heartbeatInterval; at least heartbeatInterval.
   */
  readonly handoffReservationMs?: number;
  /**
   * Back-off for Redis calls that fail for a transient reason (connection lost, LOADING,
   * CLUSTERDOWN, ...). Default { baseMs: 50, capMs: 1000, retryLimit: 6 }: about 3 s of back-off,
   * plus, while Redis is down, each attempt's wait for ioredis to reconnect (over 10 s in all with
   * a URL connection's defaults). With a short sessionTimeout, choose a retry that gives up within
   * one session. When the retries run out the call rejects with RedisUnavailableError.
   */
  readonly retry?: BackoffOptions;
  /** Waits between retries; inject to control time in tests. Default: a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ResolvedRedisCheckpointerOptions {
  readonly redis: RedisClient | string;
  readonly name: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly keyPrefix: string;
  readonly handoffTimeoutMs: number;
  readonly handoffReservationMs: number;
  readonly retry: BackoffOptions;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_SESSION_TIMEOUT_MS = 60_000;
export const MIN_SESSION_TIMEOUT_MS = 100;
export const DEFAULT_KEY_PREFIX = 'rxjs-kinesis:';
export const DEFAULT_REDIS_RETRY: BackoffOptions = { baseMs: 50, capMs: 1000, retryLimit: 6 };

const OPTION_NAMES = [
  'redis',
  'name',
  'sessionTimeout',
  'heartbeatInterval',
  'keyPrefix',
  'handoffTimeoutMs',
  'handoffReservationMs',
  'retry',
  'sleep',
];

/** Applies defaults and checks every option; throws InvalidOptionError saying what is allowed. */
export function resolveRedisCheckpointerOptions(
  options: RedisCheckpointerOptions,
): ResolvedRedisCheckpointerOptions {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError(
      'options',
      options,
      'must be an object { redis, name, sessionTimeout?, heartbeatInterval?, keyPrefix?, ... }',
    );
  for (const key of Object.keys(options))
    if (!OPTION_NAMES.includes(key))
      throw new InvalidOptionError(
        key,
        (options as unknown as Record<string, unknown>)[key],
        `known options are ${OPTION_NAMES.join(', ')}`,
      );

  const redis = resolveRedis(options.redis);

  if (typeof options.name !== 'string' || options.name.length === 0)
    throw new InvalidOptionError(
      'name',
      options.name,
      'must be a non-empty string: the application (consumer group) name shared by its workers',
    );

  const sessionTimeoutMs = options.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT_MS;
  if (!isInteger(sessionTimeoutMs) || sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS)
    throw new InvalidOptionError(
      'sessionTimeout',
      sessionTimeoutMs,
      `must be an integer number of milliseconds >= ${MIN_SESSION_TIMEOUT_MS} (default ${DEFAULT_SESSION_TIMEOUT_MS})` +
        (typeof sessionTimeoutMs === 'number' &&
        sessionTimeoutMs > 0 &&
        sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS
          ? `; the unit is milliseconds: did you mean ${sessionTimeoutMs * 1000} (${sessionTimeoutMs} s)?`
          : ''),
    );

  const maxHeartbeat = Math.floor(sessionTimeoutMs / 2);
  const heartbeatIntervalMs = options.heartbeatInterval ?? Math.floor(sessionTimeoutMs / 4);
  if (!isInteger(heartbeatIntervalMs) || heartbeatIntervalMs <= 0 || heartbeatIntervalMs > maxHeartbeat)
    throw new InvalidOptionError(
      'heartbeatInterval',
      heartbeatIntervalMs,
      `must be an integer number of milliseconds > 0 and <= sessionTimeout / 2 (${maxHeartbeat} ms), ` +
        `so a worker heartbeats at least twice per session; the default is sessionTimeout / 4 ` +
        `(${Math.floor(sessionTimeoutMs / 4)} ms)`,
    );

  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix))
    throw new InvalidOptionError(
      'keyPrefix',
      keyPrefix,
      'must be a string without "{" or "}" (the keys carry their own Redis Cluster hash tag)',
    );

  const handoffTimeoutMs = options.handoffTimeoutMs ?? sessionTimeoutMs;
  if (!isInteger(handoffTimeoutMs) || handoffTimeoutMs < heartbeatIntervalMs)
    throw new InvalidOptionError(
      'handoffTimeoutMs',
      handoffTimeoutMs,
      `must be an integer number of milliseconds >= heartbeatInterval (${heartbeatIntervalMs} ms), ` +
        `so the owner sees the request before its deadline; the default is sessionTimeout`,
    );

  const handoffReservationMs = options.handoffReservationMs ?? 2 * heartbeatIntervalMs;
  if (!isInteger(handoffReservationMs) || handoffReservationMs < heartbeatIntervalMs)
    throw new InvalidOptionError(
      'handoffReservationMs',
      handoffReservationMs,
      `must be an integer number of milliseconds >= heartbeatInterval (${heartbeatIntervalMs} ms), ` +
        `so the requester sees the reservation before it runs out; the default is 2 * heartbeatInterval`,
    );

  if (options.retry !== undefined && (typeof options.retry !== 'object' || options.retry === null))
    throw new InvalidOptionError(
      'retry',
      options.retry,
      'must be an object { baseMs?, capMs?, retryLimit?, random? }',
    );
  const retry = { ...DEFAULT_REDIS_RETRY, ...options.retry };
  resolveBackoffOptions(retry);

  if (options.sleep !== undefined && typeof options.sleep !== 'function')
    throw new InvalidOptionError('sleep', options.sleep, 'must be a function (ms) => Promise<void>');

  return {
    redis,
    name: options.name,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    keyPrefix,
    handoffTimeoutMs,
    handoffReservationMs,
    retry,
    ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
  };
}

function resolveRedis(redis: unknown): RedisClient | string {
  if (typeof redis === 'string') {
    let protocol: string | undefined;
    try {
      protocol = new URL(redis).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:')
      throw new InvalidOptionError(
        'redis',
        redis,
        'a URL must look like redis://host:port[/db] or rediss://...',
      );
    return redis;
  }
  if (!isRedisClient(redis))
    throw new InvalidOptionError(
      'redis',
      redis,
      'must be an ioredis Redis or Cluster instance, or a redis:// URL',
    );
  return redis;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
