import { isRetriableRedisError } from './isRetriableRedisError.js';
import type { RedisClient } from './RedisClient.js';

/**
 * Holds a call on a client of the user's until that client is connected, so that its command is
 * never left in the client's offline queue. A command there waits for the next connection, and
 * nothing can take it back (ioredis keeps the queue private): a heartbeat given up on (the
 * consumer stopped, `callTimeout` passed, the checkpointer closed) would still be written once
 * the client connects, making a worker that left look live for a session, and a lease acquisition
 * would hold its shard under a token nobody has. Held here instead, the call sends nothing until
 * the client is ready, and whoever ends the wait (its signals) knows nothing was sent.
 *
 * While calls wait, one PING (harmless whenever it lands) stands in the offline queue for them,
 * which also connects a client in `wait` (`lazyConnect`, never used), as their first command would
 * do: the client fails it as it would have failed theirs, so a failure that is no outage (a wrong
 * password's WRONGPASS, which ioredis answers by flushing the queue) ends the waits at once with
 * that error, as it ended their commands before. A client without an offline queue
 * (`enableOfflineQueue: false`) cannot hold a PING: a call's first attempt on it while it is not
 * connected waits for its next 'ready', 'end' or 'error' (connecting a client in `wait`), so that a
 * wrong password's WRONGPASS, which ioredis only emits, fails the call as with an offline queue; a
 * connection error is retried, and the retries are sent at once (they fail at once while it is
 * down, as they always did). However many calls wait, the client carries one 'ready' and one 'end'
 * listener of this checkpointer (and one 'error' listener without an offline queue), removed when
 * none waits, and one PING at a time.
 *
 * A client its user closed (see `closed`) is not waited for either: `disconnect()` while the client
 * waits to reconnect cancels the reconnection without a word (ioredis leaves it 'reconnecting' for
 * good, emitting nothing), and `quit()` then waits in the offline queue behind the PING; both are
 * looked for every CLOSE_CHECK_MS while calls wait.
 */
export class GivenClientReadiness {
  private readonly waiters = new Set<(failure?: unknown) => void>();
  private readonly wake = (): void => {
    for (const waiter of [...this.waiters]) waiter();
  };
  /** A client without an offline queue failed to connect: its waiting calls end with the error. */
  private readonly fail = (error: unknown): void => {
    for (const waiter of [...this.waiters]) waiter(error ?? new Error('the Redis client given failed'));
  };
  /** The PING standing in the offline queue for the waiting calls, if any. */
  private probing = false;
  /** Looks for a close that emits nothing while calls wait (see `closed`). */
  private closeCheck: NodeJS.Timeout | undefined;

  private constructor(private readonly client: EventedClient) {}

  /** For an ioredis `Redis` or `Cluster`; undefined for a client that does not look like one. */
  static of(redis: RedisClient): GivenClientReadiness | undefined {
    const client = redis as unknown as Partial<EventedClient>;
    if (
      typeof client.status !== 'string' ||
      typeof client.on !== 'function' ||
      typeof client.off !== 'function' ||
      typeof client.connect !== 'function'
    )
      return undefined;
    return new GivenClientReadiness(client as EventedClient);
  }

  /**
   * Resolves once the client is ready to send a command at once (or will never be: closed for
   * good); without an offline queue, only a call's `firstAttempt` waits, for the client's next
   * connection outcome. Rejects with the reason of the first of `signals` to abort, or with the
   * client's failure that is no outage (see probe), or, without an offline queue, its 'error'.
   */
  until(signals: readonly (AbortSignal | undefined)[], firstAttempt = false): Promise<void> {
    const queueless = this.withoutOfflineQueue();
    if (queueless ? !firstAttempt || !this.notReady() : !this.mustWait()) return Promise.resolve();
    const watched = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    const aborted = watched.find((signal) => signal.aborted);
    if (aborted !== undefined) return Promise.reject(aborted.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown): void => {
        this.waiters.delete(waiter);
        for (const signal of watched) signal.removeEventListener('abort', onAbort);
        if (this.waiters.size === 0) {
          this.client.off('ready', this.wake);
          this.client.off('end', this.wake);
          this.client.off('error', this.fail);
          clearInterval(this.closeCheck);
          this.closeCheck = undefined;
        }
        if (error === undefined) resolve();
        else reject(error);
      };
      const waiter = (failure?: unknown): void => {
        if (failure !== undefined) settle(failure);
        else if (queueless || !this.mustWait()) settle();
      };
      const onAbort = (event: Event): void => settle((event.target as AbortSignal).reason);
      for (const signal of watched) signal.addEventListener('abort', onAbort, { once: true });
      if (this.waiters.size === 0) {
        this.client.on('ready', this.wake);
        this.client.on('end', this.wake);
        if (queueless) this.client.on('error', this.fail);
        this.closeCheck = setInterval(() => {
          if (this.closed() !== undefined) this.wake();
        }, CLOSE_CHECK_MS);
        this.closeCheck.unref();
      }
      this.waiters.add(waiter);
      if (!queueless) this.probe();
      // What its first command would do; the outcome shows as 'ready', 'error' or 'end'.
      else if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
    });
  }

  /**
   * Queues one PING for the waiting calls (none when one is queued already): a failure that is
   * no outage ends their waits with it; after a transient one (the client's `maxRetriesPerRequest`
   * reached) the next call to wait queues the next PING.
   */
  private probe(): void {
    if (this.probing) return;
    const ping = this.client.ping;
    if (typeof ping !== 'function') {
      // What the client's first command would do; its outcome shows as 'ready' or 'end'.
      if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
      return;
    }
    this.probing = true;
    const done = (failure?: unknown): void => {
      this.probing = false;
      if (failure !== undefined && !isRetriableRedisError(failure))
        for (const waiter of [...this.waiters]) waiter(failure);
    };
    ping.call(this.client).then(
      () => done(),
      (error: unknown) => done(error),
    );
  }

  /**
   * Why a call that ran out of `callTimeout` sent nothing, when the client is still not connected
   * (its status, e.g. `reconnecting`); undefined when it is.
   */
  notConnected(ms: number): Error | undefined {
    if (!this.notReady()) return undefined;
    return new Error(
      `the Redis client given did not connect within ${ms} ms (callTimeout): nothing was sent ` +
        `(its status: ${this.client.status})`,
    );
  }

  /**
   * How the client was closed for good, if it was: ended (`quit()`, `disconnect()`, or its
   * `retryStrategy` gave up), being closed (a Cluster's `quit()` or `disconnect()`, which leaves
   * one that waited to reconnect 'disconnecting' for good), or closed by its user while it waited
   * to reconnect (`disconnect()`, which ioredis marks `manuallyClosing`, or a `quit()` waiting in
   * its offline queue). Neither ioredis nor the checkpointer connects it again.
   */
  closed(): string | undefined {
    const client = this.client;
    if (client.status === 'end')
      return 'has ended (quit(), disconnect(), or its retryStrategy gave up; status: end)';
    // A Cluster's quit() or disconnect() (while it waits to reconnect: for good, no node is left
    // to report the close).
    if (client.status === 'disconnecting' && client.manuallyClosing === true)
      return 'is being closed (quit() or disconnect(); status: disconnecting)';
    if (client.status !== 'reconnecting') return undefined;
    if (client.manuallyClosing === true) return 'was disconnected while it waited to reconnect';
    const queued = client.offlineQueue?.toArray?.();
    if (Array.isArray(queued) && queued.some((item) => isQuit(item)))
      return 'was told to quit() while it waited to reconnect';
    return undefined;
  }

  private mustWait(): boolean {
    return !this.withoutOfflineQueue() && this.notReady();
  }

  /** Not connected, and not closed for good: it may connect. */
  private notReady(): boolean {
    const status = this.client.status;
    return status !== 'ready' && status !== 'end' && this.closed() === undefined;
  }

  private withoutOfflineQueue(): boolean {
    return this.client.options?.enableOfflineQueue === false;
  }
}

/** How often waiting calls look for a close of the client that emits nothing (ms). */
const CLOSE_CHECK_MS = 100;

function isQuit(item: unknown): boolean {
  const name = (item as { readonly command?: { readonly name?: unknown } } | null)?.command?.name;
  return typeof name === 'string' && name.toLowerCase() === 'quit';
}

/**
 * The part of an ioredis `Redis` or `Cluster` the wait uses (`manuallyClosing` and `offlineQueue`
 * are ioredis's own, read only, and only to end a wait early: without them a wait ends at
 * `callTimeout`).
 */
interface EventedClient {
  readonly status: string;
  readonly options?: { readonly enableOfflineQueue?: unknown };
  readonly manuallyClosing?: unknown;
  readonly offlineQueue?: { readonly toArray?: () => unknown };
  on(event: 'ready' | 'end' | 'error', listener: (error?: unknown) => void): unknown;
  off(event: 'ready' | 'end' | 'error', listener: (error?: unknown) => void): unknown;
  connect(): Promise<unknown>;
  ping?(): Promise<unknown>;
}
