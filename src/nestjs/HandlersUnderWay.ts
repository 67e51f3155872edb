import { Subject, type Observable, type SchedulerLike } from 'rxjs';
import { AbortedError } from '../index.js';

/** What close() gave up at its deadline: how many events were still at work, on which shards. */
export interface GivenUpWork {
  readonly count: number;
  readonly shardIds: readonly string[];
}

/**
 * The work of one run of KinesisTransportStrategy that close() waits for: the handling of each
 * event under way (handlers, dead-letter callbacks), with the shard of its event. `settle()`
 * waits for it up to a deadline and then gives up what is still running: the handlers' abort
 * signal fires, `givenUp$` emits (what handles an event ends on it, unsubscribing an Observable
 * handler, so the event never reaches checkpoint()), and a later result changes nothing.
 */
export class HandlersUnderWay {
  private readonly work = new Map<Promise<unknown>, string>();
  private readonly closed = new AbortController();
  /** The signal given to handlers, per reading signal (one per lease taken, not per event). */
  private readonly signals = new WeakMap<AbortSignal, AbortSignal>();
  private readonly giveUp = new Subject<void>();
  private given = false;
  /** Emits once, when the work still running is given up (then completes). */
  readonly givenUp$: Observable<void> = this.giveUp.asObservable();

  /** True once the work still running was given up. */
  get gaveUp(): boolean {
    return this.given;
  }

  /** Keeps `work` (on shard `shardId`) in what settle() waits for until it settles. */
  track<T>(work: Promise<T>, shardId: string): Promise<T> {
    this.work.set(work, shardId);
    const settled = (): void => void this.work.delete(work);
    work.then(settled, settled);
    return work;
  }

  /**
   * The abort signal of a handler of an event read under `readingSignal`: fires when that one
   * does (the lease was lost or handed over, the consumer stopped) or when the work is given up.
   */
  signalFor(readingSignal: AbortSignal | undefined): AbortSignal {
    if (readingSignal === undefined) return this.closed.signal;
    let signal = this.signals.get(readingSignal);
    if (signal === undefined) {
      signal = AbortSignal.any([readingSignal, this.closed.signal]);
      this.signals.set(readingSignal, signal);
    }
    return signal;
  }

  /**
   * Waits until no work is under way (work started meanwhile included), for at most `timeoutMs`
   * on `scheduler` (Infinity: no limit). Resolves with what was given up at the deadline, or
   * undefined if everything finished.
   */
  async settle(timeoutMs: number, scheduler: SchedulerLike): Promise<GivenUpWork | undefined> {
    let expired = false;
    let wake: () => void = () => undefined;
    const deadline =
      timeoutMs === Infinity
        ? undefined
        : scheduler.schedule(() => {
            expired = true;
            wake();
          }, timeoutMs);
    try {
      while (this.work.size > 0 && !expired) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          void Promise.allSettled([...this.work.keys()]).then(() => resolve());
        });
      }
    } finally {
      deadline?.unsubscribe();
    }
    if (this.work.size === 0) return undefined;
    const givenUp: GivenUpWork = {
      count: this.work.size,
      shardIds: [...new Set(this.work.values())].sort(),
    };
    this.work.clear();
    this.given = true;
    this.closed.abort(
      new AbortedError(
        `KinesisTransportStrategy closed: handler given up after closeTimeoutMs (${timeoutMs} ms)`,
      ),
    );
    this.giveUp.next();
    this.giveUp.complete();
    return givenUp;
  }
}
