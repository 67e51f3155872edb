import type { SchedulerLike, Subscription } from 'rxjs';
import { isCheckpointerMisconfigured } from './isCheckpointerMisconfigured.js';

/**
 * Watches a consumer's calls to its checkpointer: once calls have kept failing for `timeoutMs`
 * since the last success (or since the start), `onTimeout` is called with the last failure; a
 * failure no retry mends (isCheckpointerMisconfigured) calls `onMisconfigured` at once.
 * stop() is final: a failure reported later (a call of the stopping run that fails on its way
 * out) starts no timer, so none outlives the run.
 */
export class CheckpointerHealth {
  private timer: Subscription | undefined;
  private lastError: unknown;
  private lastOkAt: number;
  private stopped = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
    private readonly onTimeout: (lastError: unknown) => void,
    private readonly onMisconfigured: (error: unknown) => void,
  ) {
    this.lastOkAt = scheduler.now();
  }

  failed(error: unknown): void {
    if (this.stopped) return;
    if (isCheckpointerMisconfigured(error)) {
      this.stop();
      this.onMisconfigured(error);
      return;
    }
    this.lastError = error;
    if (this.timer !== undefined) return;
    const remaining = Math.max(0, this.lastOkAt + this.timeoutMs - this.scheduler.now());
    this.timer = this.scheduler.schedule(() => {
      this.timer = undefined;
      this.onTimeout(this.lastError);
    }, remaining);
  }

  ok(): void {
    this.lastOkAt = this.scheduler.now();
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
