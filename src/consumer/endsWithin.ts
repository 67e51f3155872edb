import type { SchedulerLike } from 'rxjs';

/**
 * Waits for `work` for at most `timeoutMs` on `scheduler` (Infinity: as long as it takes).
 * Resolves true once it resolved (rejects as it does when it rejects first), false at the deadline
 * (the work then goes on unobserved; a later rejection is left to whoever else awaits it). Leaves
 * no timer behind.
 */
export async function endsWithin(
  work: Promise<unknown>,
  timeoutMs: number,
  scheduler: SchedulerLike,
): Promise<boolean> {
  const settled = work.then(() => true);
  // A rejection before the deadline rejects this wait, as awaiting the work would; one after it
  // is nobody's here.
  settled.catch(() => undefined);
  if (timeoutMs === Infinity) return settled;
  let expire: (ended: boolean) => void = () => undefined;
  const deadline = scheduler.schedule(() => expire(false), timeoutMs);
  try {
    return await Promise.race([settled, new Promise<boolean>((resolve) => (expire = resolve))]);
  } finally {
    deadline.unsubscribe();
  }
}
