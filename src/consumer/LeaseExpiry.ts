import type { SchedulerLike, Subscription } from 'rxjs';
import { MAX_TIMER_MS } from '../kinesis/callDeadline.js';

/**
 * The local expiry of one grant of a lease: started when the acquisition or renewal that
 * granted it was sent, it runs out `durationMs` later as the scheduler's timers count time (in
 * steps of the longest timer delay), not as its wall clock reads: a clock set back meanwhile
 * does not push it back (a timer's delay runs on a monotonic clock; now() is the wall clock).
 *
 * `timing`, when given, holds the expiry while one of its timers is pending, so that its owner
 * can cancel every timer at once, those of calls never answered included (see cancelAll).
 */
export class LeaseExpiry {
  private timer: Subscription | undefined;
  private over = false;
  private onExpired: (() => void) | undefined;

  constructor(
    private readonly scheduler: SchedulerLike,
    durationMs: number,
    private readonly timing?: Set<LeaseExpiry>,
  ) {
    this.run(Math.max(0, durationMs));
  }

  /** Cancels every expiry of `timing` (see the constructor). */
  static cancelAll(timing: Set<LeaseExpiry>): void {
    for (const expiry of [...timing]) expiry.cancel();
    timing.clear();
  }

  /** Whether the duration has run out. */
  get expired(): boolean {
    return this.over;
  }

  /** Calls `callback` once the duration ran out (if it already has, on the next timer turn). */
  whenExpired(callback: () => void): void {
    this.onExpired = callback;
    if (!this.over) return;
    this.setTimer(
      this.scheduler.schedule(() => {
        this.fired();
        this.onExpired?.();
      }, 0),
    );
  }

  /** Stops counting: no callback is called after this. */
  cancel(): void {
    this.setTimer(undefined);
    this.onExpired = undefined;
  }

  private run(remainingMs: number): void {
    const step = Math.min(MAX_TIMER_MS, remainingMs);
    this.setTimer(
      this.scheduler.schedule(() => {
        this.fired();
        if (remainingMs > step) {
          this.run(remainingMs - step);
          return;
        }
        this.over = true;
        this.onExpired?.();
      }, step),
    );
  }

  /** The pending timer fired (it is not unsubscribed while it runs). */
  private fired(): void {
    this.timer = undefined;
    this.timing?.delete(this);
  }

  /** Replaces the pending timer (ending the one before), keeping `timing` up to date. */
  private setTimer(pending: Subscription | undefined): void {
    this.timer?.unsubscribe();
    // A scheduler that ran the callback at once returns a closed subscription.
    const timer = pending?.closed === true ? undefined : pending;
    this.timer = timer;
    if (timer === undefined) this.timing?.delete(this);
    else this.timing?.add(this);
  }
}
