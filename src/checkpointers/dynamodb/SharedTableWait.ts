/**
 * One wait for a table (its creation, its turning ACTIVE), shared by every call that needs the
 * table. A call may join with a signal of its own: its wait ends when that signal aborts, rejecting
 * with the signal's reason. Once every call that joined has left so (and none joined without a
 * signal), the wait itself is aborted: its request under way and its timer end, nothing of it runs
 * on, and the next call needing the table starts a new wait. `closing` (close()) aborts it too.
 */
export class SharedTableWait<T> {
  /** What the wait ends with, if not its own result: `closing`'s reason, or the last leaver's. */
  private readonly controller = new AbortController();
  private readonly promise: Promise<T>;
  /** Calls that joined with a signal and have not left. */
  private waiting = 0;
  /** A call joined without a signal: the wait runs until it ends (or close()). */
  private pinned = false;
  private settled = false;

  constructor(start: (signal: AbortSignal) => Promise<T>, closing: AbortSignal) {
    const onClose = () => this.controller.abort(closing.reason);
    if (closing.aborted) onClose();
    else closing.addEventListener('abort', onClose, { once: true });
    this.promise = start(this.controller.signal);
    const done = () => {
      this.settled = true;
      closing.removeEventListener('abort', onClose);
    };
    this.promise.then(done, done);
  }

  /** The wait's own outcome. */
  get result(): Promise<T> {
    return this.promise;
  }

  /** False once aborted (every caller left, or close()): a new call needs a new wait. */
  get usable(): boolean {
    return !this.controller.signal.aborted;
  }

  /** Waits for the table, or until `signal` aborts (then rejects with its reason). */
  join(signal?: AbortSignal): Promise<T> {
    if (signal === undefined) {
      this.pinned = true;
      return this.promise;
    }
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    this.waiting += 1;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.waiting -= 1;
        reject(signal.reason as Error);
        if (this.waiting === 0 && !this.pinned && !this.settled) this.controller.abort(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          this.waiting -= 1;
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          this.waiting -= 1;
          reject(error as Error);
        },
      );
    });
  }
}
