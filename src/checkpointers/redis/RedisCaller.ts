import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import { isError } from '../../errors/redact.js';
import { redisReplyMessage } from './redisReplyMessage.js';
import { writeLog } from '../../logging/writeLog.js';
import { CheckpointerClosedError } from '../errors/CheckpointerClosedError.js';
import type { RedisClient } from './RedisClient.js';
import type { ResolvedRedisCheckpointerOptions } from './RedisCheckpointerOptions.js';
import { RedisConnection } from './RedisConnection.js';
import { RedisReplicaError } from './errors/RedisReplicaError.js';
import { ReplicaWatch } from './ReplicaWatch.js';
import { retryRedisCall } from './retryRedisCall.js';

/**
 * How a RedisCheckpointer talks to Redis: through the client it was given, or a connection it
 * opens from a URL (and closes). Every call is retried on transient failures, never longer than
 * `callTimeout`, and refused once the checkpointer is closed. READONLY is transient (a failover),
 * unless the URL's server, never seen a primary, stays a replica for longer than `sessionTimeout`:
 * RedisReplicaError.
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
  /** How long the URL's server has been a replica (READONLY), to tell a failover from a misconfiguration. */
  private readonly replicas: ReplicaWatch;

  constructor(private readonly options: ResolvedRedisCheckpointerOptions) {
    this.replicas = new ReplicaWatch(options.sessionTimeoutMs);
    if (typeof options.redis === 'string') {
      this.connection = new RedisConnection({
        url: options.redis,
        ...(options.tls !== undefined ? { tls: options.tls } : {}),
        connectTimeoutMs: Math.max(1000, options.heartbeatIntervalMs),
        ...(options.logger !== undefined ? { logger: options.logger } : {}),
      });
      this.redis = this.connection.redis;
    } else {
      this.redis = options.redis;
      this.connection = undefined;
    }
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Throws CheckpointerClosedError once closed. */
  assertOpen(operation: string): void {
    if (this.closed) throw new CheckpointerClosedError(this.options.name, operation);
  }

  /** Runs `run` (again on transient failures) within `callTimeout`; errors carry `context`. */
  call<T>(operation: string, context: ErrorContext, run: () => Promise<T>): Promise<T> {
    const connection = this.connection;
    const timeoutMs = this.options.callTimeoutMs;
    const started = Date.now();
    // The connection the last attempt was sent on, dropped if that attempt is abandoned unanswered.
    let sentOn: number | undefined;
    const attempt =
      connection === undefined
        ? run
        : async () => {
            sentOn = undefined;
            try {
              await connection.ready(timeoutMs - (Date.now() - started), operation, context);
            } catch (error) {
              // close() interrupted the wait: nothing was sent, so nothing can land later.
              throw this.closed ? new CheckpointerClosedError(this.options.name, operation) : error;
            }
            sentOn = connection.current;
            try {
              const result = await run();
              if (operation === 'heartbeat') this.replicas.wrote(); // a heartbeat always writes
              return result;
            } catch (error) {
              if (isReadOnlyReply(error)) {
                const replica = await this.replicaFor(connection);
                connection.abandon(sentOn, error);
                if (replica !== undefined)
                  throw new RedisReplicaError(
                    operation,
                    connection.address,
                    replica.replicaForMs,
                    context,
                    replica.roleRefused,
                  );
              }
              throw connection.explain(error, operation, context);
            }
          };
    const logger = this.options.logger;
    const calling = retryRedisCall(operation, attempt, {
      backoff: this.options.retry,
      context,
      timeoutMs,
      timeoutReason: (ms) =>
        connection?.downReason() ?? new Error(`no reply from Redis within ${ms} ms (callTimeout)`),
      onAbandon: () =>
        connection?.abandon(
          sentOn,
          new Error(`no reply from Redis at ${connection.address} within ${timeoutMs} ms`),
        ),
      ...(this.options.sleep !== undefined ? { sleep: this.options.sleep } : {}),
      stopped: () => (this.closed ? new CheckpointerClosedError(this.options.name, operation) : undefined),
      signal: this.closeSignal.signal,
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
    const reported =
      logger === undefined
        ? calling
        : calling.catch((error: unknown) => {
            if (!(error instanceof CheckpointerClosedError))
              writeLog(logger, 'error', 'Redis call failed', { operation, ...context, error });
            throw error;
          });
    this.inFlight.add(reported);
    const settled = (): void => void this.inFlight.delete(reported);
    reported.then(settled, settled);
    return reported;
  }

  /**
   * After a READONLY reply, asks the server its ROLE: how long it has been a replica when that is
   * longer than sessionTimeout and it was never seen a primary (see ReplicaWatch), and whether
   * ROLE was refused, else undefined (also when ROLE fails for a lost connection; ROLE refused or
   * renamed away leaves READONLY).
   */
  private async replicaFor(
    connection: RedisConnection,
  ): Promise<{ readonly replicaForMs: number; readonly roleRefused: boolean } | undefined> {
    let roleRefused = false;
    const role: unknown = await connection.client.call('ROLE').then(
      (reply) => (Array.isArray(reply) ? (reply as unknown[])[0] : undefined),
      // ROLE refused (an ACL without it) or renamed away: READONLY alone says it is a replica.
      (error: unknown) => {
        roleRefused = isCommandRefused(error);
        return roleRefused ? 'replica' : undefined;
      },
    );
    const replicaForMs = this.replicas.sawRole(role);
    return replicaForMs === undefined ? undefined : { replicaForMs, roleRefused };
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

/** The server refused a command it does not know or the user may not run (not a lost connection). */
function isCommandRefused(error: unknown): boolean {
  return (
    isError(error) &&
    error.name === 'ReplyError' &&
    (error.message.startsWith('NOPERM') || error.message.startsWith('ERR unknown command'))
  );
}

/**
 * A READONLY reply, also from a script on Redis up to 6.2: the connection reaches a replica (a
 * failover demoted its server).
 */
function isReadOnlyReply(error: unknown): error is Error {
  return redisReplyMessage(error)?.startsWith('READONLY ') === true;
}
