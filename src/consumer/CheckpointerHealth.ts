import type { SchedulerLike, Subscription } from 'rxjs';
import { isCheckpointerMisconfigured } from './isCheckpointerMisconfigured.js';

/**
 * Watches a consumer's calls to its checkpointer: once calls have kept failing for `timeoutMs`,
 * counted from the first failure since the last success, `onTimeout` is called with the last
 * failure; a failure no retry mends (isCheckpointerMisconfigured) calls `onMisconfigured` at once.
 * Not counted from the last success itself: calls may be rare (a quiet stream writes no position,
 * renewals come every third of a lease), and a single failure after a quiet spell longer than
 * `timeoutMs` is no store that kept failing.
 * stop() is final: a failure reported later (a call of the stopping run that fails on its way
 * out) starts no timer, so none outlives the run.
 */
export class CheckpointerHealth {
  private timer: Subscription | undefined;
  private lastError: unknown;
  private stopped = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
    private readonly onTimeout: (lastError: unknown) => void,
    private readonly onMisconfigured: (error: unknown) => void,
  ) {}

  failed(error: unknown): void {
    if (this.stopped) return;
    if (isCheckpointerMisconfigured(error)) {
      this.stop();
      this.onMisconfigured(error);
      return;
    }
    this.lastError = error;
    // The first failure since the last success starts the count.
    if (this.timer !== undefined) return;
    this.timer = this.scheduler.schedule(() => {
      this.timer = undefined;
      this.onTimeout(this.lastError);
    }, this.timeoutMs);
  }

  ok(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.lastError = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.unsubscribe();
    this.timer = undefined;
  }
}
