/** A worker item of the workers table, as read. */
export interface WorkerHeartbeat {
  /** The item's key (`workerId`, or `<streamIdentifier>:<workerId>` in multi-stream mode). */
  readonly key: string;
  /** The token its last heartbeat wrote; absent on items of earlier versions of this library. */
  readonly token?: string;
  /** Epoch ms on the writing worker's clock its heartbeat lasts until. */
  readonly expiresAt: number;
}

/**
 * Whether workers are live, judged as the KCL judges leases: a worker is live while the token
 * its heartbeats write has changed within the heartbeat ttl, measured on this process's clock
 * from the moment it first saw the current token, so the writer's clock never counts. A worker
 * seen for the first time is therefore live for a full ttl. An item without a token (written by
 * an earlier version of this library) is live while its `expiresAt` lies beyond this process's
 * clock, as before. Bounded: one entry per worker item of the last read of each table.
 */
export class HeartbeatObservations {
  private readonly seen = new Map<string, Map<string, { token: string; at: number }>>();

  constructor(private readonly ttlMs: number) {}

  /** Records our own heartbeat of `token` into `scope` (a table and stream), sent at `at`. */
  wrote(scope: string, key: string, token: string, at: number): void {
    this.scopeOf(scope).set(key, { token, at });
  }

  /** Forgets our own worker item (it left the group). */
  forget(scope: string, key: string): void {
    this.seen.get(scope)?.delete(key);
  }

  /**
   * Which of `heartbeats`, all the worker items of `scope` whose read was sent at `sentAt` and
   * answered at `at`, are live at `at`; forgets items no longer there. A token seen first counts
   * from `at`: it may have been written after the read was sent.
   */
  live(scope: string, heartbeats: readonly WorkerHeartbeat[], sentAt: number, at: number): Set<string> {
    const seen = this.scopeOf(scope);
    const live = new Set<string>();
    const present = new Set<string>();
    for (const heartbeat of heartbeats) {
      present.add(heartbeat.key);
      if (this.judge(seen, heartbeat, at)) live.add(heartbeat.key);
    }
    // An entry recorded while the read ran (our own heartbeat) may be missing from it: keep it.
    for (const [key, entry] of seen) if (!present.has(key) && entry.at < sentAt) seen.delete(key);
    return live;
  }

  /**
   * Whether the one worker item `key` of `scope`, read on its own (sent at `sentAt`, answered at
   * `at`; `heartbeat` undefined: there is no such item), is live at `at`. The other workers'
   * entries are left as they are.
   */
  isLive(
    scope: string,
    key: string,
    heartbeat: WorkerHeartbeat | undefined,
    sentAt: number,
    at: number,
  ): boolean {
    const seen = this.scopeOf(scope);
    if (heartbeat === undefined) {
      // Our own heartbeat recorded while the read ran may be missing from it: keep it.
      if ((seen.get(key)?.at ?? sentAt) < sentAt) seen.delete(key);
      return false;
    }
    return this.judge(seen, heartbeat, at);
  }

  /** Judges one item whose read was answered at `at`, recording a token seen first (as of `at`). */
  private judge(
    seen: Map<string, { token: string; at: number }>,
    { key, token, expiresAt }: WorkerHeartbeat,
    at: number,
  ): boolean {
    if (token === undefined) {
      seen.delete(key);
      return expiresAt > at;
    }
    const previous = seen.get(key);
    const since = previous !== undefined && previous.token === token ? previous.at : at;
    if (previous === undefined || previous.token !== token) seen.set(key, { token, at });
    return at < since + this.ttlMs;
  }

  private scopeOf(scope: string): Map<string, { token: string; at: number }> {
    let seen = this.seen.get(scope);
    if (seen === undefined) {
      seen = new Map();
      this.seen.set(scope, seen);
    }
    return seen;
  }
}
