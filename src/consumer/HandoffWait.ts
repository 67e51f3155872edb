import type { ShardProgress } from './ShardProgress.js';

/** What a HandoffWait needs of a reading. */
export interface Drainable {
  readonly progress: ShardProgress;
  whenSettled(callback: () => void): () => void;
}

/** When a pending handoff request must be withdrawn at the latest, unless the records drained. */
export interface HandoffLimit {
  /** Names the request (its requester and deadline as the coordinator shows them). */
  readonly request: string;
  /** Scheduler time: the request's deadline, read conservatively, less the withdrawal's margin. */
  readonly withdrawBy: number;
}

/** The clock a HandoffWait runs on (the consumer's scheduler). */
export interface HandoffClock {
  now(): number;
  /** Calls `callback` after `ms`; returns a cancel function. */
  timer(ms: number, callback: () => void): () => void;
}

/**
 * A handover's wait for its records in flight, one period at a time. A period lasts the drain
 * timeout, but ends at the latest when the pending request must be withdrawn (`HandoffLimit`):
 * from the request's deadline on, the requester may take the lease over, so the owner must have
 * stopped waiting and withdrawn the request before then, however late it saw the request. A
 * request seen during a period (asked again after a withdrawal, or for a shard already being
 * given up) ends that period at its own limit; one already withdrawn is ignored (a snapshot read
 * before the withdrawal landed).
 */
export class HandoffWait {
  private pending: HandoffLimit | undefined;
  private withdrawnRequest: string | undefined;
  private rearm: (() => void) | undefined;

  constructor(
    private readonly reading: Drainable,
    private readonly clock: HandoffClock,
    private readonly drainTimeoutMs: number,
    private readonly stillWaiting: () => boolean,
  ) {}

  /** A request pending on the shard, seen (again) by a balancing pass. */
  limit(limit: HandoffLimit): void {
    if (limit.request === this.withdrawnRequest) return;
    const pending = this.pending;
    if (pending?.request === limit.request && pending.withdrawBy <= limit.withdrawBy) return;
    this.pending = limit;
    this.rearm?.();
  }

  /**
   * The period ended without a drain and the pending request is being withdrawn: later reports
   * of it are ignored, and the next period lasts the drain timeout unless a new request comes.
   */
  withdrawing(): void {
    this.withdrawnRequest = this.pending?.request ?? this.withdrawnRequest;
    this.pending = undefined;
  }

  /**
   * Resolves true once no record is in flight, false when the period ended first (drain timeout
   * or the pending request's limit) or `stillWaiting()` turned false (the reading moved on). The
   * drain timeout runs on one timer from the start, so a wall clock set back during the period
   * does not lengthen it; a limit (a time on that clock, as fresh as its request's last sight)
   * runs on a timer of its own, armed again when a request moves it.
   */
  period(): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      let cancelWaiter: () => void = () => undefined;
      let cancelDrain: () => void = () => undefined;
      let cancelLimit: () => void = () => undefined;
      const finish = (): void => {
        if (done) return;
        done = true;
        this.rearm = undefined;
        cancelWaiter();
        cancelDrain();
        cancelLimit();
        resolve(this.reading.progress.size === 0);
      };
      const armLimit = (): void => {
        cancelLimit();
        const by = this.pending?.withdrawBy;
        if (by !== undefined) cancelLimit = this.clock.timer(Math.max(0, by - this.clock.now()), finish);
      };
      const check = (): void => {
        if (done) return;
        if (this.reading.progress.size > 0 && this.stillWaiting()) {
          cancelWaiter = this.reading.whenSettled(check);
          return;
        }
        finish();
      };
      check();
      if (done) return;
      cancelDrain = this.clock.timer(this.drainTimeoutMs, finish);
      this.rearm = armLimit;
      armLimit();
    });
  }
}
