import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * Watches a consumer's calls to its checkpointer: once calls have kept failing for `timeoutMs`
 * with no success in between, `onTimeout` is called with the last failure.
 */
export class CheckpointerHealth {
  private timer: Subscription | undefined;
  private lastError: unknown;

  constructor(
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
    private readonly onTimeout: (lastError: unknown) => void,
  ) {}

  failed(error: unknown): void {
    this.lastError = error;
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
    this.ok();
  }
}
