import type { ConnectionOptions } from 'node:tls';
import { safeRandom } from '../../kinesis/safeRandom.js';
import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { unknownOptionError } from '../../errors/unknownOptionError.js';
import { defaultHandoffTimeout, validateHandoffTimeout } from '../validateHandoffTimeout.js';
import { resolveBackoffOptions, type BackoffOptions } from '../../kinesis/backoff.js';
import type { Logger } from '../../logging/Logger.js';
import { validateLogger } from '../../logging/validateLogger.js';
import { isRedisClient, type RedisClient } from './RedisClient.js';

export interface RedisCheckpointerOptions {
  /**
   * An ioredis `Redis` or `Cluster` instance (you keep owning it: `close()` leaves it open), or
   * a `redis://` / `rediss://` URL (the checkpointer opens the connection and closes it). A
   * connection opened from a URL fails calls fast while Redis is unreachable (no offline queue).
   */
  readonly redis: RedisClient | string;
  /**
   * TLS options for a `rediss://` URL, as Node's `tls.connect()` takes them: `ca` (a private CA's
   * PEM), `servername`, `cert`/`key` for client certificates, `rejectUnauthorized`, ... Only with
   * a `rediss://` URL; configure a Redis/Cluster instance of your own on that instance.
   */
  readonly tls?: ConnectionOptions | undefined;
  /** The application (consumer group) name: workers with the same name share the stream. */
  readonly name: string;
  /**
   * How long, in milliseconds, a lease and a worker's heartbeat last without renewal. Default
   * 60000 (60 s). This is also the checkpointer's `leaseDurationMs`.
   */
  readonly sessionTimeout?: number | undefined;
  /**
   * How often, in milliseconds, workers should heartbeat and renew their leases. Default
   * sessionTimeout / 4; at most sessionTimeout / 2.
   */
  readonly heartbeatInterval?: number | undefined;
  /** Prefix of every key. Default `rxjs-kinesis:`. Must not contain `{` or `}`. */
  readonly keyPrefix?: string | undefined;
  /**
   * How long, in milliseconds, an owner has to honour a handoff request before the requester
   * may take the lease over. Default sessionTimeout (at least 3 * heartbeatInterval); must be more
   * than two heartbeats (`2 * heartbeatInterval`), or an owner with records in flight could never
   * hand a shard over (InvalidOptionError).
   */
  readonly handoffTimeoutMs?: number | undefined;
  /**
   * How long, in milliseconds, a lease released with `handoffTo` stays reserved for the
   * requester. Default 2 * heartbeatInterval; at least heartbeatInterval.
   */
  readonly handoffReservationMs?: number | undefined;
  /**
   * Back-off for Redis calls that fail for a transient reason (connection refused or lost,
   * LOADING, CLUSTERDOWN, ...). Default { baseMs: 50, capMs: 1000, retryLimit: 6 }: at most about
   * 2.5 s of back-off. While a URL connection is down each attempt fails at once, so a call gives
   * up after the back-off alone. When the retries (or `callTimeout`) run out the call rejects
   * with RedisUnavailableError, whose cause says why (e.g. `connect ECONNREFUSED 10.0.0.5:6379`).
   */
  readonly retry?: BackoffOptions | undefined;
  /**
   * The most one checkpointer call may take, attempts and back-off included, in milliseconds
   * (a call to a paused or unreachable Redis ends then with RedisUnavailableError). Default
   * sessionTimeout / 2, so a lease renewal's outcome is known while the lease still runs;
   * at most sessionTimeout.
   */
  readonly callTimeout?: number | undefined;
  /** Waits between retries; inject to control time in tests. Default: a real timer. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /**
   * Clock (epoch ms). Default Date.now. Only ever compared with itself: how long a server has
   * answered as a replica, how long ago the last 'Redis connection failing' warning was, and
   * `callTimeout`'s deadline (a reply is still awaited with a real timer). A step back (an NTP
   * correction) counts as no time passing. Lease expiry is judged by the Redis server's clock.
   */
  readonly now?: (() => number) | undefined;
  /**
   * Logs open/close, the connection opened from a URL (connected, failing), leases acquired,
   * released and lost, retried and failed calls (console, pino, NestJS Logger...). Never a
   * password or command argument. Nothing is logged without one.
   */
  readonly logger?: Logger | undefined;
}

export interface ResolvedRedisCheckpointerOptions {
  readonly redis: RedisClient | string;
  readonly tls?: ConnectionOptions;
  readonly callTimeoutMs: number;
  readonly name: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly keyPrefix: string;
  readonly handoffTimeoutMs: number;
  readonly handoffReservationMs: number;
  readonly retry: BackoffOptions;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly logger?: Logger;
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
  'callTimeout',
  'tls',
  'sleep',
  'now',
  'logger',
];

// Every field of BackoffOptions (the compiler checks the list is complete).
const RETRY_FIELDS: Readonly<Record<keyof BackoffOptions, true>> = {
  baseMs: true,
  capMs: true,
  retryLimit: true,
  random: true,
};
const RETRY_NAMES = Object.keys(RETRY_FIELDS);

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
  // Its value is not shown: a misspelt name (`pasword`) says nothing of whether it is secret.
  for (const key of Object.keys(options))
    if (!OPTION_NAMES.includes(key)) throw unknownOptionError(key, OPTION_NAMES);

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

  const handoffTimeoutMs =
    options.handoffTimeoutMs ?? defaultHandoffTimeout(sessionTimeoutMs, heartbeatIntervalMs);
  validateHandoffTimeout(handoffTimeoutMs, heartbeatIntervalMs, 'heartbeatInterval', 'sessionTimeout');

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
  for (const key of Object.keys(options.retry ?? {}))
    if (!RETRY_NAMES.includes(key)) throw unknownOptionError(`retry.${key}`, RETRY_NAMES);
  // A field given as undefined is left out, as an omitted one: the Redis default, not backoff's.
  const retry: BackoffOptions = { ...DEFAULT_REDIS_RETRY };
  for (const [key, value] of Object.entries(options.retry ?? {}))
    if (value !== undefined) Object.assign(retry, { [key]: value });
  resolveBackoffOptions(retry, 'retry');
  // A bad draw (a throw, NaN, 2) stands for Math.random(), as in the producer and the consumer: it
  // only spreads the waits between attempts, and would otherwise fail the call as misconfigured.
  if (retry.random !== undefined) Object.assign(retry, { random: safeRandom(retry.random) });

  const callTimeoutMs = options.callTimeout ?? Math.floor(sessionTimeoutMs / 2);
  if (!isInteger(callTimeoutMs) || callTimeoutMs < 10 || callTimeoutMs > sessionTimeoutMs)
    throw new InvalidOptionError(
      'callTimeout',
      callTimeoutMs,
      `must be an integer number of milliseconds from 10 to sessionTimeout (${sessionTimeoutMs} ms); ` +
        `the default is sessionTimeout / 2`,
    );

  const tls = resolveTls(options.tls, redis);

  if (options.sleep !== undefined && typeof options.sleep !== 'function')
    throw new InvalidOptionError('sleep', options.sleep, 'must be a function (ms) => Promise<void>');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw new InvalidOptionError('now', now, 'must be a function () => number (epoch milliseconds)');

  return {
    redis,
    name: options.name,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    keyPrefix,
    handoffTimeoutMs,
    handoffReservationMs,
    retry,
    callTimeoutMs,
    ...(tls !== undefined ? { tls } : {}),
    ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
    now,
    ...(options.logger !== undefined ? { logger: validateLogger(options.logger) } : {}),
  };
}

function resolveRedis(redis: unknown): RedisClient | string {
  if (typeof redis === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(redis);
    } catch {
      url = undefined;
    }
    if ((url?.protocol !== 'redis:' && url?.protocol !== 'rediss:') || url.hostname === '')
      throw new InvalidOptionError(
        'redis',
        // A string that is no URL with a host may be a password given in the wrong place: not shown.
        url === undefined || url.host === '' ? `[not a URL: ${redis.length} characters]` : redis,
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

function resolveTls(tls: unknown, redis: RedisClient | string): ConnectionOptions | undefined {
  if (tls === undefined) return undefined;
  if (typeof tls !== 'object' || tls === null || Array.isArray(tls))
    throw new InvalidOptionError(
      'tls',
      tls,
      'must be an object of TLS options such as { ca, servername, cert, key, rejectUnauthorized }',
    );
  if (typeof redis !== 'string')
    throw new InvalidOptionError(
      'tls',
      tls,
      'only applies to a rediss:// URL; give TLS options to your own Redis/Cluster instance instead',
    );
  if (!redis.toLowerCase().startsWith('rediss://'))
    throw new InvalidOptionError('tls', tls, 'needs a rediss:// URL (redis:// connects without TLS)');
  return tls as ConnectionOptions;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
