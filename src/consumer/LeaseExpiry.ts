import type { SchedulerLike, Subscription } from 'rxjs';
import { MAX_TIMER_MS } from '../kinesis/callDeadline.js';

/**
 * The local expiry of one grant of a lease: started when the acquisition or renewal that
 * granted it was sent, it runs out `durationMs` later as the scheduler's timers count time (in
 * steps of the longest timer delay), not as its wall clock reads: a clock set back meanwhile
 * does not push it back (a timer's delay runs on a monotonic clock; now() is the wall clock).
 */
export class LeaseExpiry {
  private timer: Subscription | undefined;
  private over = false;
  private onExpired: (() => void) | undefined;

  constructor(
    private readonly scheduler: SchedulerLike,
    durationMs: number,
  ) {
    this.run(Math.max(0, durationMs));
  }

  /** Whether the duration has run out. */
  get expired(): boolean {
    return this.over;
  }

  /** Calls `callback` once the duration ran out (if it already has, on the next timer turn). */
  whenExpired(callback: () => void): void {
    this.onExpired = callback;
    if (!this.over) return;
    this.timer?.unsubscribe();
    this.timer = this.scheduler.schedule(() => {
      this.timer = undefined;
      this.onExpired?.();
    }, 0);
  }

  /** Stops counting: no callback is called after this. */
  cancel(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.onExpired = undefined;
  }

  private run(remainingMs: number): void {
    const step = Math.min(MAX_TIMER_MS, remainingMs);
    this.timer = this.scheduler.schedule(() => {
      this.timer = undefined;
      if (remainingMs > step) {
        this.run(remainingMs - step);
        return;
      }
      this.over = true;
      this.onExpired?.();
    }, step);
  }
}
