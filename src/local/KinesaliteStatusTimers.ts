/** What of kinesalite's store (kinesalite 3) the status-change timers are taken from. */
export interface KinesaliteStore {
  /** The stream records; a put of a CREATING or UPDATING record is answered by a status change. */
  readonly metaDb: { put: (...args: unknown[]) => unknown };
  /** Drops a stream's records; its callback starts the DELETING → gone change. */
  deleteStreamDb: (name: string, callback: (...results: unknown[]) => void) => void;
}

type Handler = (...args: unknown[]) => void;
type ScheduleFn = (handler: Handler, ms?: number, ...args: unknown[]) => unknown;
type CancelFn = (timer: unknown) => void;

/** Stream statuses that kinesalite ends with a timer set once the record is stored. */
const CHANGING_STATUSES = new Set(['CREATING', 'UPDATING']);

/**
 * The timers kinesalite sets for its stream status changes: CREATING → ACTIVE (CreateStream),
 * UPDATING → ACTIVE with the new shards (SplitShard, MergeShards), DELETING → gone
 * (DeleteStream). kinesalite starts each with a bare `setTimeout(change, delay)` and keeps no
 * handle, so once the server is closed they would keep the process alive for up to the status
 * delay. They are made this object's own, so that close() can cancel them.
 *
 * kinesalite sets such a timer synchronously in the callback of the store operation that
 * recorded the new status (the put of a CREATING or UPDATING stream record; the dropping of a
 * deleted stream's records). Only those callbacks run with `setTimeout` standing for one that
 * records what it starts (restored as soon as the callback returns): kinesalite keeps its own
 * timing to the millisecond, and nothing else in the process pays anything (no async hook).
 */
export class KinesaliteStatusTimers {
  /** How to cancel each timer started and not yet fired. */
  private readonly pending = new Set<() => void>();
  private closed = false;

  /** Makes the status-change timers of kinesalite's `store` this object's. */
  adopt(store: KinesaliteStore): void {
    const { metaDb } = store;
    const put = metaDb.put;
    metaDb.put = (...args: unknown[]): unknown => {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function' && isChangingRecord(args[1])) {
        args[last] = (...results: unknown[]) => this.owning(() => (callback as Handler)(...results));
      }
      return put.apply(metaDb, args);
    };
    const deleteStreamDb = store.deleteStreamDb;
    store.deleteStreamDb = (name, callback) =>
      deleteStreamDb(name, (...results) => this.owning(() => callback(...results)));
  }

  /** How many status changes are pending. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Cancels every pending status change (the store is being closed: none is to land). A timer
   * kinesalite starts afterwards (a request under way) does not keep the process alive.
   */
  close(): void {
    this.closed = true;
    for (const cancel of this.pending) cancel();
    this.pending.clear();
  }

  /** Runs `run` with the global setTimeout recording the timers it starts. */
  private owning(run: () => void): void {
    const scope = globalThis as unknown as { setTimeout: ScheduleFn; clearTimeout: CancelFn };
    const schedule = scope.setTimeout;
    const cancelWith = scope.clearTimeout;
    scope.setTimeout = (handler, ms, ...args) => {
      const cancel = (): void => cancelWith(timer);
      const timer = schedule(() => {
        this.pending.delete(cancel);
        handler(...args);
      }, ms);
      if (this.closed) unref(timer);
      else this.pending.add(cancel);
      return timer;
    };
    try {
      run();
    } finally {
      scope.setTimeout = schedule;
    }
  }
}

function isChangingRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const status = (value as { StreamStatus?: unknown }).StreamStatus;
  return typeof status === 'string' && CHANGING_STATUSES.has(status);
}

function unref(timer: unknown): void {
  const handle = timer as { unref?: unknown } | null;
  if (typeof handle?.unref === 'function') (handle as { unref(): void }).unref();
}
