import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import { raceWithAbort } from '../../kinesis/abortSignal.js';
import { writeLog } from '../../logging/writeLog.js';
import { CheckpointerClosedError } from '../errors/CheckpointerClosedError.js';
import type { RedisClient } from './RedisClient.js';
import type { ResolvedRedisCheckpointerOptions } from './RedisCheckpointerOptions.js';
import { RedisConnection } from './RedisConnection.js';
import { GivenClientReadiness } from './GivenClientReadiness.js';
import { RedisClientClosedError } from './errors/RedisClientClosedError.js';
import { RedisReplicaError } from './errors/RedisReplicaError.js';
import { type AskRole, isReadOnlyReply, ReplicaCheck } from './ReplicaCheck.js';
import { forwardClock } from './forwardClock.js';
import { retryRedisCall } from './retryRedisCall.js';

/**
 * How a RedisCheckpointer talks to Redis: through the client it was given, or a connection it
 * opens from a URL (and closes). Every call is retried on transient failures, never longer than
 * `callTimeout`, and refused once the checkpointer is closed. READONLY is transient (a failover),
 * unless the server (the URL's, or the given client's when it is no Cluster), never seen a
 * primary, stays a replica for longer than `sessionTimeout`: RedisReplicaError (see ReplicaCheck).
 */
export class RedisCaller {
  readonly redis: RedisClient;
  /** The connection opened from a URL (and closed here); undefined for a given client. */
  private readonly connection: RedisConnection | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Aborted by close(): a call waiting before its next attempt stops at once. */
  private readonly closeSignal = new AbortController();
  /** The calls under way, which close() waits for. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** How long the server has been a replica (READONLY), to tell a failover from a misconfiguration. */
  private readonly replicas: ReplicaCheck;
  /** For a given client: holds calls until it is connected (never into its offline queue). */
  private readonly readiness: GivenClientReadiness | undefined;
  /** The clock of the calls' deadlines, which never goes back (see forwardClock). */
  private readonly now: () => number;

  constructor(private readonly options: ResolvedRedisCheckpointerOptions) {
    this.replicas = new ReplicaCheck(options.sessionTimeoutMs, options.now);
    this.now = forwardClock(options.now);
    if (typeof options.redis === 'string') {
      this.connection = new RedisConnection({
        url: options.redis,
        ...(options.tls !== undefined ? { tls: options.tls } : {}),
        connectTimeoutMs: Math.max(1000, options.heartbeatIntervalMs),
        ...(options.logger !== undefined ? { logger: options.logger } : {}),
        now: options.now,
      });
      this.redis = this.connection.redis;
    } else {
      this.redis = options.redis;
      this.connection = undefined;
    }
    this.readiness = this.connection === undefined ? GivenClientReadiness.of(this.redis) : undefined;
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Now, for `call`'s `startedAt`: the start of a deadline several calls share. */
  start(): number {
    return this.now();
  }

  /** Throws CheckpointerClosedError once closed. */
  assertOpen(operation: string): void {
    if (this.closed) throw new CheckpointerClosedError(this.options.name, operation);
  }

  /**
   * Runs `run` (again on transient failures) within `callTimeout`; errors carry `context`. Once
   * `signal` aborts, the call sends nothing more (a wait for the connection or before a retry ends
   * with the signal's reason); an attempt already sent is waited for. With `startedAt` (a `start()`
   * value) the `callTimeout` counts from then: calls that make up one answer share one deadline.
   */
  call<T>(
    operation: string,
    context: ErrorContext,
    run: () => Promise<T>,
    { signal, startedAt }: CallOptions = {},
  ): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    const connection = this.connection;
    const timeoutMs = this.options.callTimeoutMs;
    const now = this.now;
    const started = startedAt ?? now();
    // The connection the last attempt was sent on, dropped if that attempt is abandoned unanswered.
    let sentOn: number | undefined;
    // Aborted when the call gives up at callTimeout: an attempt still waiting to send stops.
    const abandoned = new AbortController();
    const attempt =
      connection === undefined
        ? this.givenClientAttempt(operation, context, run, signal, abandoned.signal)
        : async () => {
            sentOn = undefined;
            try {
              await connection.ready(timeoutMs - (now() - started), operation, context, signal);
            } catch (error) {
              // close() interrupted the wait: nothing was sent, so nothing can land later.
              if (this.closed) throw new CheckpointerClosedError(this.options.name, operation);
              throw signal?.aborted === true ? signal.reason : error;
            }
            sentOn = connection.current;
            try {
              const result = await run();
              connection.served(operation === 'heartbeat');
              if (operation === 'heartbeat') this.replicas.wrote(); // a heartbeat always writes
              return result;
            } catch (error) {
              if (isReadOnlyReply(error)) {
                connection.answeredReadOnly();
                const client = connection.client;
                const explained = await this.replicas.explain(
                  error,
                  () => client.call('ROLE'),
                  connection.address,
                  operation,
                  context,
                );
                // The connection reaches a replica: the next one may reach the promoted primary.
                connection.abandon(sentOn, explained instanceof RedisReplicaError ? error : explained);
                if (explained instanceof RedisReplicaError) throw explained;
                throw explained === error ? connection.explain(error, operation, context) : explained;
              }
              throw connection.explain(error, operation, context);
            }
          };
    const logger = this.options.logger;
    const calling = retryRedisCall(operation, attempt, {
      backoff: this.options.retry,
      context,
      timeoutMs,
      now,
      startedAt: started,
      timeoutReason: (ms) =>
        connection?.downReason() ??
        this.readiness?.notConnected(ms) ??
        new Error(`no reply from Redis within ${ms} ms (callTimeout)`),
      onAbandon: () => {
        abandoned.abort();
        connection?.abandon(
          sentOn,
          new Error(`no reply from Redis at ${connection.address} within ${timeoutMs} ms`),
        );
      },
      ...(this.options.sleep !== undefined ? { sleep: this.options.sleep } : {}),
      stopped: () =>
        this.closed
          ? new CheckpointerClosedError(this.options.name, operation)
          : signal?.aborted === true
            ? (signal.reason as Error)
            : undefined,
      signal:
        signal === undefined ? this.closeSignal.signal : AbortSignal.any([this.closeSignal.signal, signal]),
      ...(logger === undefined
        ? {}
        : {
            onRetry: (failed: number, delayMs: number, error: unknown) =>
              writeLog(logger, 'warn', 'retrying Redis call', {
                operation,
                ...context,
                attempt: failed,
                delayMs,
                error,
              }),
          }),
    });
    const reported = calling.catch((error: unknown) => {
      // Ended by the caller, who left: its reason, nothing to log.
      if (signal?.aborted === true && !this.closed) throw signal.reason;
      if (logger !== undefined && !(error instanceof CheckpointerClosedError))
        writeLog(logger, 'error', 'Redis call failed', { operation, ...context, error });
      throw error;
    });
    this.inFlight.add(reported);
    const settled = (): void => void this.inFlight.delete(reported);
    reported.then(settled, settled);
    return reported;
  }

  /**
   * An attempt on the client the user gave: sent once the client is connected (see
   * GivenClientReadiness; a wait the close, the caller's `signal` or `abandoned` ends has sent
   * nothing); not dropped or reconfigured after a READONLY (how it reconnects is the user's), but
   * ROLE is asked on it as on a connection opened from a URL (not on a Cluster, which routes ROLE
   * to any node).
   */
  private givenClientAttempt<T>(
    operation: string,
    context: ErrorContext,
    run: () => Promise<T>,
    signal: AbortSignal | undefined,
    abandoned: AbortSignal,
  ): () => Promise<T> {
    const readiness = this.readiness;
    let attempts = 0;
    const send = async (): Promise<T> => {
      attempts += 1;
      if (readiness !== undefined) {
        const signals = [this.closeSignal.signal, abandoned, signal];
        await readiness.until(signals, attempts === 1).catch((error: unknown) => {
          if (this.closed) throw new CheckpointerClosedError(this.options.name, operation);
          throw signal?.aborted === true ? signal.reason : error;
        });
        // Closed for good by its user: no attempt can get through (ioredis would fail it, or hold it).
        const closed = readiness.closed();
        if (closed !== undefined) throw new RedisClientClosedError(operation, closed, context);
      }
      return offlineUntil(this.redis, run, signal)();
    };
    const server = givenServer(this.redis);
    if (server === undefined) return send;
    return async () => {
      try {
        const result = await send();
        if (operation === 'heartbeat') this.replicas.wrote(); // a heartbeat always writes
        return result;
      } catch (error) {
        if (!isReadOnlyReply(error)) throw error;
        throw await this.replicas.explain(error, server.askRole, server.address(), operation, context);
      }
    };
  }

  /**
   * Refuses further calls, waits for the calls under way, then closes the connection opened from
   * a URL (a given client stays open), within `callTimeout`.
   */
  async close(): Promise<void> {
    this.closed = true;
    // The calls under way end first: a retry stops at once now (its back-off wait too), a call
    // still waiting for its connection too (it has sent nothing), an attempt sent within callTimeout.
    this.closeSignal.abort();
    this.connection?.interruptWaits();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    const connection = this.connection;
    if (connection === undefined) return;
    this.closing ??= connection.close(this.options.callTimeoutMs);
    await this.closing;
  }
}

export interface CallOptions {
  /** The caller left: nothing more is sent (see RedisCaller.call). */
  readonly signal?: AbortSignal | undefined;
  /** When the call's `callTimeout` started (`RedisCaller.start()`); default: now. */
  readonly startedAt?: number | undefined;
}

/**
 * A standalone ioredis client's ROLE and the `host:port` its connection reaches (the socket's
 * peer: a Sentinel-managed client's host option is not where it is connected); undefined for a
 * Cluster or a client without `call`.
 */
function givenServer(
  redis: RedisClient,
): { readonly askRole: AskRole; readonly address: () => string } | undefined {
  const client = redis as unknown as {
    readonly isCluster?: unknown;
    readonly call?: unknown;
    readonly stream?: { readonly remoteAddress?: unknown; readonly remotePort?: unknown };
    readonly options?: { readonly host?: unknown; readonly port?: unknown };
  };
  if (client.isCluster === true || typeof client.call !== 'function') return undefined;
  const call = client.call as (command: string) => Promise<unknown>;
  return {
    askRole: () => call.call(client, 'ROLE'),
    address: () => {
      const peer = client.stream;
      const [host, port] =
        typeof peer?.remoteAddress === 'string'
          ? [peer.remoteAddress, peer.remotePort]
          : [client.options?.host, client.options?.port];
      if (typeof host !== 'string' || typeof port !== 'number') return "the given client's server";
      return `${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
  };
}

/**
 * `run` on a client of the caller's own: sent while it is not connected (a client GivenClientReadiness
 * cannot watch, or one that lost its connection after the command was written: ioredis sends it
 * again on its next connection), the command waits in its offline queue, where nothing can take
 * it back; the caller who leaves (`signal`) stops waiting for it then (it may still be written
 * once the client connects).
 */
function offlineUntil<T>(
  redis: RedisClient,
  run: () => Promise<T>,
  signal: AbortSignal | undefined,
): () => Promise<T> {
  if (signal === undefined) return run;
  return () => {
    const status = (redis as unknown as { readonly status?: unknown }).status;
    const sent = run();
    return typeof status === 'string' && status !== 'ready'
      ? raceWithAbort(sent, signal, undefined, (aborted) => aborted.reason)
      : sent;
  };
}
