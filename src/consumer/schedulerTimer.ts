import type { SchedulerLike } from 'rxjs';
import { MAX_TIMER_MS } from '../kinesis/callDeadline.js';

/** A one-shot timer on `scheduler`: calls `callback` after `ms`; the function returned cancels it. */
export type SchedulerTimer = (ms: number, callback: () => void) => () => void;

/**
 * The timer the consumer's parts start their waits with, on the consumer's scheduler. A wait past
 * the longest timer (a sum such as a lease's remaining time + takeoverGraceMs) is cut to it:
 * Node would run it after 1 ms.
 */
export function schedulerTimer(scheduler: SchedulerLike): SchedulerTimer {
  return (ms, callback) => {
    const action = scheduler.schedule(callback, Math.min(ms, MAX_TIMER_MS));
    return () => action.unsubscribe();
  };
}
