import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * The deadline of a Producer's graceful close (`close({ timeoutMs })`), or of toKinesis()'s final
 * flush (`flushTimeoutMs`): a timer on the producer's scheduler that calls `passed` once, unless
 * the close ends first (then it is cancelled). Of several close() calls (final flushes) with a
 * deadline, the earliest deadline rules.
 */
export class CloseDeadline {
  private timer: Subscription | undefined;
  /** When the deadline set passes (scheduler time); Infinity while none is set. */
  private at = Number.POSITIVE_INFINITY;
  private ended = false;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly passed: (timeoutMs: number) => void,
  ) {}

  /** Sets the deadline `timeoutMs` from now, unless an earlier one is set or the close has ended. */
  set(timeoutMs: number): void {
    if (this.ended || timeoutMs === Number.POSITIVE_INFINITY) return;
    const at = this.scheduler.now() + timeoutMs;
    if (at >= this.at) return;
    this.at = at;
    this.timer?.unsubscribe();
    this.timer = this.scheduler.schedule(() => {
      this.timer = undefined;
      if (this.ended) return;
      this.ended = true;
      this.passed(timeoutMs);
    }, timeoutMs);
  }

  /** The close has ended: the timer is cancelled, and no deadline is set any more. */
  end(): void {
    this.ended = true;
    this.timer?.unsubscribe();
    this.timer = undefined;
  }
}
