import type { SchedulerLike } from 'rxjs';

/** A one-shot timer on `scheduler`: calls `callback` after `ms`; the function returned cancels it. */
export type SchedulerTimer = (ms: number, callback: () => void) => () => void;

/** The timer the consumer's parts start their waits with, on the consumer's scheduler. */
export function schedulerTimer(scheduler: SchedulerLike): SchedulerTimer {
  return (ms, callback) => {
    const action = scheduler.schedule(callback, ms);
    return () => action.unsubscribe();
  };
}
