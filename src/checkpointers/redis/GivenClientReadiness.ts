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
 * A client in `wait` (`lazyConnect`, never used) is connected, as its first command would do; a
 * client without an offline queue (`enableOfflineQueue: false`) or one ended for good is not
 * waited for (its commands fail at once, as they always did). However many calls wait, the client
 * carries one 'ready' and one 'end' listener of this checkpointer, removed when none waits.
 */
export class GivenClientReadiness {
  private readonly waiters = new Set<() => void>();
  private readonly wake = (): void => {
    for (const waiter of [...this.waiters]) waiter();
  };

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
   * Resolves once the client is ready to send a command at once (or will never be: ended, or
   * without an offline queue); rejects with the reason of the first of `signals` to abort.
   */
  until(signals: readonly (AbortSignal | undefined)[]): Promise<void> {
    if (!this.mustWait()) return Promise.resolve();
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
        }
        if (error === undefined) resolve();
        else reject(error);
      };
      const waiter = (): void => {
        if (!this.mustWait()) settle();
      };
      const onAbort = (event: Event): void => settle((event.target as AbortSignal).reason);
      for (const signal of watched) signal.addEventListener('abort', onAbort, { once: true });
      if (this.waiters.size === 0) {
        this.client.on('ready', this.wake);
        this.client.on('end', this.wake);
      }
      this.waiters.add(waiter);
      // What the client's first command would do; its outcome shows as 'ready' or 'end'.
      if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
    });
  }

  /**
   * Why a call that ran out of `callTimeout` sent nothing, when the client is still not connected
   * (its status, e.g. `reconnecting`); undefined when it is.
   */
  notConnected(ms: number): Error | undefined {
    if (!this.mustWait()) return undefined;
    return new Error(
      `the Redis client given did not connect within ${ms} ms (callTimeout): nothing was sent ` +
        `(its status: ${this.client.status})`,
    );
  }

  private mustWait(): boolean {
    const status = this.client.status;
    return status !== 'ready' && status !== 'end' && this.client.options?.enableOfflineQueue !== false;
  }
}

/** The part of an ioredis `Redis` or `Cluster` the wait uses. */
interface EventedClient {
  readonly status: string;
  readonly options?: { readonly enableOfflineQueue?: unknown };
  on(event: 'ready' | 'end', listener: () => void): unknown;
  off(event: 'ready' | 'end', listener: () => void): unknown;
  connect(): Promise<unknown>;
}
