/** The wait before a paced call, and the time of the last call to keep. */
export interface PaceWait {
  readonly waitMs: number;
  readonly lastAt: number;
}

/**
 * How long to wait before the next of calls made at most once per `intervalMs`, the last one at
 * `lastAt`. A `lastAt` later than `now` (the wall clock, the scheduler's now(), was set back
 * since) counts as now, so the wait never grows by the time the clock went back.
 */
export function paceWait(lastAt: number, intervalMs: number, now: number): PaceWait {
  const kept = Math.min(lastAt, now);
  return { waitMs: kept + intervalMs - now, lastAt: kept };
}
