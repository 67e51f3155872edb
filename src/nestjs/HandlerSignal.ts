/**
 * The abort signal of one handler of an event: fires when the event's signal does (with its
 * reason: the lease was lost or handed over, the consumer stopped, close() gave the handler up)
 * or when the handler's own timeout passed (with the timeout error). Linked to the event's signal
 * by hand from start() to end(), not with `AbortSignal.any()`: the event's signal lives as long
 * as the lease, and once the handler ended no listener of it is left there.
 */
export class HandlerSignal {
  private readonly controller = new AbortController();
  private linked = false;

  constructor(private readonly eventSignal: AbortSignal) {}

  /** What the handler's `context.getAbortSignal()` returns. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The handler starts: from now on the event's signal fires this one. */
  start(): void {
    if (this.eventSignal.aborted) {
      this.abort(this.eventSignal.reason);
      return;
    }
    if (this.linked || this.controller.signal.aborted) return;
    this.linked = true;
    this.eventSignal.addEventListener('abort', this.follow, { once: true });
  }

  /** The handler ended (or was given up): the event's signal no longer fires this one. */
  end(): void {
    if (!this.linked) return;
    this.linked = false;
    this.eventSignal.removeEventListener('abort', this.follow);
  }

  /** Fires the signal with `reason` (once; later calls change nothing) and unlinks it. */
  abort(reason: unknown): void {
    this.end();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  private readonly follow = (): void => this.abort(this.eventSignal.reason);
}
