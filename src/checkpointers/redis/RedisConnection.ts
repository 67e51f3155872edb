import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Redis } from './loadIoredis.js';
import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import type { Logger } from '../../logging/Logger.js';
import { writeLog } from '../../logging/writeLog.js';
import { MAX_TIMER_MS } from '../../kinesis/callDeadline.js';
import { RedisTlsError } from './errors/RedisTlsError.js';
import { forwardClock } from './forwardClock.js';
import { isCertificateError } from './isCertificateError.js';
import type { RedisClient } from './RedisClient.js';

/** At most one 'Redis connection failing' warning per this many ms. */
const WARN_INTERVAL_MS = 60_000;

export interface RedisConnectionSettings {
  /** `redis://` or `rediss://` URL. */
  readonly url: string;
  /** TLS options (ca, servername, cert, key, ...) for a `rediss://` URL. */
  readonly tls?: ConnectionOptions;
  /** How long one connection attempt may take. */
  readonly connectTimeoutMs: number;
  readonly logger?: Logger;
  /** The clock of the warning interval. Default Date.now. */
  readonly now?: () => number;
}

/**
 * The connection a RedisCheckpointer opens from a URL. Calls fail fast while Redis is down: the
 * offline queue is off and there is no background reconnection. A call that finds the
 * connection down starts one connection attempt and waits for it (at most its remaining time):
 * it goes on once connected, or fails with the attempt's own error, e.g. `connect ECONNREFUSED
 * 10.0.0.5:6379`, a wrong password's WRONGPASS, or a certificate error as the non-retriable
 * RedisTlsError. So a call to a stopped Redis fails within milliseconds, and the first call after
 * Redis is back succeeds.
 *
 * A peer that vanished without a word (a network partition, a host gone, a proxy whose server went
 * away) leaves the socket open and "ready" while nothing ever comes back on it. So a connection is
 * dropped (and the next call connects afresh) when it is not ready within `connectTimeoutMs` of
 * connecting, when a call gave up waiting for a reply on it (abandon), and when it answers
 * READONLY (it reaches a replica now: after a failover the URL's host names the new primary).
 */
export class RedisConnection {
  readonly client: Redis;
  /** `host:port`, never the user info. */
  readonly address: string;
  private lastError: Error | undefined;
  private closed = false;
  /** When 'Redis connection failing' was last logged, and the outages since left unsaid. */
  private warnedAt: number | undefined;
  private outagesNotWarned = 0;
  /** A call was served since the last warning (see served). */
  private servedSinceWarning = false;
  /**
   * Whether the next 'ready' is logged ('connected to Redis'): the first one, and the first after
   * each outage warned of. A server that fails each connection soon after it is made (a replica
   * answering READONLY, dropped each time) would otherwise log one at each retry.
   */
  private logNextReady = true;
  private readonly now: () => number;
  /** Counts the connections that became ready: which one a call was sent on. */
  private readyCount = 0;
  /** Drops a connection attempt that is not ready within connectTimeoutMs. */
  private handshake: NodeJS.Timeout | undefined;
  private readonly connectTimeoutMs: number;
  /** A `rediss://` URL: a connection that gets no answer may have reached a port without TLS. */
  private readonly tls: boolean;
  /** The current connection attempt got through its TLS handshake (ioredis's 'connect'). */
  private secured = false;
  /**
   * The calls waiting in ready(), told of the client's next 'ready', 'error' or 'end' by the
   * constructor's own listeners: however many calls wait, the client carries one listener of each.
   */
  private readonly waiters = new Set<(event: ConnectionEvent) => void>();

  constructor(settings: RedisConnectionSettings) {
    this.address = addressOf(settings.url);
    this.connectTimeoutMs = settings.connectTimeoutMs;
    // A step back of the clock counts as no time passing (it would silence the next warnings).
    this.now = forwardClock(settings.now ?? Date.now);
    this.tls = /^rediss:/i.test(settings.url);
    this.client = new Redis(settings.url, {
      ...(settings.tls !== undefined ? { tls: { ...settings.tls } } : {}),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: settings.connectTimeoutMs,
      // Reconnection happens on demand, in ready().
      retryStrategy: () => null,
      // A connection given up is destroyed at once, not 2 s after ending our side (the default):
      // ioredis also disconnects on its own when a ready check fails, e.g. because close() or
      // drop() destroyed a connection still waiting for its first answer, and that timer would
      // keep the process up 2 s after close().
      disconnectTimeout: 0,
    });
    // Connection errors surface through the calls that fail; keep ioredis from logging them.
    const logger = settings.logger;
    this.client.on('error', (error: Error) => {
      // The first error after being connected (or the first ever): an outage starts.
      if (this.lastError === undefined) this.warnOutage(error, logger);
      this.lastError = error;
      this.notify({ kind: 'error', error });
    });
    this.client.on('connect', () => {
      this.secured = true;
    });
    this.client.on('ready', () => {
      this.readyCount += 1;
      clearTimeout(this.handshake);
      this.lastError = undefined;
      if (this.logNextReady) writeLog(logger, 'info', 'connected to Redis', { address: this.address });
      this.logNextReady = false;
      this.notify({ kind: 'ready' });
    });
    this.client.on('end', () => {
      clearTimeout(this.handshake);
      this.notify({ kind: 'end' });
    });
  }

  /**
   * Warns of an outage at most once per WARN_INTERVAL_MS while Redis has not served a call since
   * the last warning: a server that fails every connection soon after it is made (a replica
   * answering READONLY, dropped each time) would warn at each retry. A call served in between
   * (see served) ends the outage, and the next one is warned of at once. The next warning counts
   * the connection failures left unsaid (`outagesNotWarned`); the connection after a warning is
   * logged, the ones after failures left unsaid are not.
   */
  private warnOutage(error: Error, logger: Logger | undefined): void {
    const at = this.now();
    if (this.warnedAt !== undefined && !this.servedSinceWarning && at - this.warnedAt < WARN_INTERVAL_MS) {
      this.outagesNotWarned += 1;
      return;
    }
    writeLog(logger, 'warn', 'Redis connection failing', {
      address: this.address,
      error,
      ...(this.outagesNotWarned > 0 ? { outagesNotWarned: this.outagesNotWarned } : {}),
    });
    this.warnedAt = at;
    this.servedSinceWarning = false;
    this.outagesNotWarned = 0;
    this.logNextReady = true;
  }

  /**
   * A call was answered on the connection (not with READONLY): Redis is back, and the outage
   * warned of is over; the next one is a new outage, warned of at once.
   */
  served(): void {
    this.servedSinceWarning = true;
  }

  private notify(event: ConnectionEvent): void {
    for (const waiter of [...this.waiters]) waiter(event);
  }

  get redis(): RedisClient {
    return this.client as unknown as RedisClient;
  }

  /**
   * Resolves when the connection is ready; when it is down, starts a connection attempt and
   * waits for it at most `waitMs`, rejecting with the attempt's error if it fails (or with
   * `signal`'s reason once it aborts).
   */
  ready(waitMs: number, operation: string, context: ErrorContext, signal?: AbortSignal): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return Promise.resolve();
    if (this.closed) return Promise.reject(new Error(`connection to Redis at ${this.address} closed`));
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const waiter = (event: ConnectionEvent): void => {
        if (event.kind === 'ready') settle();
        else if (event.kind === 'error') settle(this.failure(event.error, operation, context));
        else if (event.kind === 'interrupted')
          settle(new Error(`connection to Redis at ${this.address} closed`));
        else
          settle(
            this.lastError !== undefined
              ? this.failure(this.lastError, operation, context)
              : new Error(`connection to Redis at ${this.address} closed`),
          );
      };
      const timer = setTimeout(
        () =>
          settle(new Error(`no connection to Redis at ${this.address} within ${waitMs} ms${this.tlsHint()}`)),
        // A longer timer would be run by Node after 1 ms (half a long sessionTimeout can be).
        Math.min(Math.max(0, waitMs), MAX_TIMER_MS),
      );
      // The caller left (its `signal`): nothing was sent, so nothing can land later.
      const onAbort = () => settle(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      if (client.status === 'end' || client.status === 'wait' || client.status === 'close') {
        client.connect().catch(() => undefined);
        this.watchHandshake();
      }
    });
  }

  /**
   * Ends every wait in ready() at once, with an error: close() does not wait for a connection a
   * call has sent nothing on yet (connecting may take connectTimeoutMs, longer than a shutdown).
   */
  interruptWaits(): void {
    this.notify({ kind: 'interrupted' });
  }

  /** The connection calls are sent on now (see abandon). */
  get current(): number {
    return this.readyCount;
  }

  /**
   * Drops connection `connection` (a `current` value) if it is still the one in use: a call got
   * `reason` (no reply in time, READONLY) on it. Calls still waiting on it fail and are retried.
   */
  abandon(connection: number | undefined, reason: Error): void {
    if (connection !== this.readyCount || this.client.status !== 'ready' || this.closed) return;
    this.drop(reason);
  }

  /** ioredis's connectTimeout covers only the TCP connect, not the handshake (AUTH, the ready check). */
  private watchHandshake(): void {
    this.secured = false;
    clearTimeout(this.handshake);
    this.handshake = setTimeout(
      () => {
        const status = this.client.status;
        if (status === 'ready' || status === 'end' || this.closed) return;
        this.drop(
          new Error(
            `no answer from Redis at ${this.address} within ${this.connectTimeoutMs} ms of connecting` +
              this.tlsHint(),
          ),
        );
      },
      Math.min(this.connectTimeoutMs, MAX_TIMER_MS),
    );
  }

  /**
   * For a `rediss://` URL whose TCP connection is up but whose TLS handshake got no answer: a
   * plain (non-TLS) Redis port reads the handshake as an unfinished command and never answers.
   * Said as a possibility: a slow or overloaded TLS server looks the same.
   */
  private tlsHint(): string {
    if (!this.tls || this.secured) return '';
    const socket = this.client.stream as Socket | undefined;
    if (socket === undefined || socket.connecting || socket.destroyed) return '';
    return (
      ': the server may not speak TLS on this port (the URL is rediss://, and the TLS handshake got ' +
      'no answer); use redis:// for a plain port, or the port Redis serves TLS on (tls-port)'
    );
  }

  /**
   * Ends the connection at once: ioredis's disconnect() waits for the peer to close its side too,
   * which a silent one never does. The socket's error tells the calls waiting on it why.
   */
  private drop(reason: Error): void {
    const socket = this.client.stream as Socket | undefined;
    if (socket !== undefined && !socket.destroyed) socket.destroy(reason);
    else this.client.disconnect();
  }

  /**
   * Why a call failed, in connection terms: when the connection is down, the reason of its last
   * failed attempt replaces ioredis's "Stream isn't writeable" or "Connection is closed" errors.
   */
  explain(error: unknown, operation: string, context: ErrorContext): unknown {
    if (this.client.status === 'ready' || this.lastError === undefined) return error;
    return this.failure(this.lastError, operation, context);
  }

  /** The last connection error while not ready, for a call that timed out waiting. */
  downReason(): Error | undefined {
    return this.client.status === 'ready' ? undefined : this.lastError;
  }

  private failure(error: Error, operation: string, context: ErrorContext): unknown {
    return isCertificateError(error) ? new RedisTlsError(operation, this.address, error, context) : error;
  }

  /**
   * QUIT on a ready connection, dropped when Redis has not answered within `timeoutMs` (a paused
   * server or a silent network would hold it for ever); one that is connecting is dropped.
   * Resolves once the socket is closed (ioredis's 'end'), so that nothing of the connection (its
   * socket, ioredis's timer waiting for the socket to close) outlives close().
   */
  close(timeoutMs: number): Promise<void> {
    this.closed = true;
    clearTimeout(this.handshake);
    const client = this.client;
    // An ended connection has nothing left to close (disconnecting it again would only leave a
    // timer behind in ioredis).
    if (client.status === 'end') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        client.off('end', finish);
        resolve();
      };
      const timer = setTimeout(
        () => {
          this.end();
          finish();
        },
        Math.min(timeoutMs, MAX_TIMER_MS),
      );
      client.once('end', finish);
      // Once QUIT is answered the socket is closed at once, not when the peer closes its side.
      if (client.status === 'ready')
        client.quit().then(
          () => this.end(),
          () => this.end(),
        );
      else this.end();
    });
  }

  /**
   * Disconnects for good, the socket closed at once: disconnect() alone only ends our side, and
   * when the peer does not close its own (a silent one never does) ioredis destroys the socket
   * 2 s later (its disconnectTimeout), keeping the process alive until then.
   */
  private end(): void {
    const socket = this.client.stream as Socket | undefined;
    this.client.disconnect();
    if (socket !== undefined && !socket.destroyed) socket.destroy();
  }
}

type ConnectionEvent =
  { readonly kind: 'ready' | 'end' | 'interrupted' } | { readonly kind: 'error'; readonly error: Error };

function addressOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured address';
  }
}
