/** The longest delay a timer takes: setTimeout and RxJS's asyncScheduler run a longer one after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The deadline of one call, `connectTimeout` + `requestTimeout`, capped at the longest delay a
 * timer takes: each may be up to that delay, and a sum past it would make the deadline pass at
 * once (Node turns such a delay into 1 ms), abandoning every call before it could be answered.
 */
export function callDeadlineMs(connectTimeout: number, requestTimeout: number): number {
  return Math.min(MAX_TIMER_MS, connectTimeout + requestTimeout);
}
