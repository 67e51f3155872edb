import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * Waits of one consumer run on its scheduler (e.g. the backoff between ListShards attempts):
 * stop() ends every wait under way at once, so no timer outlives the run.
 */
export class RunWaits {
  private readonly ends = new Set<() => void>();

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Resolves after `ms` on the scheduler, or at once when `endAll()` is called before. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wait: { timer?: Subscription } = {};
      const end = (): void => {
        wait.timer?.unsubscribe();
        this.ends.delete(end);
        resolve();
      };
      this.ends.add(end);
      wait.timer = this.scheduler.schedule(end, ms);
    });
  }

  /** Ends every wait under way now (their timers are cancelled). */
  endAll(): void {
    for (const end of [...this.ends]) end();
  }
}
