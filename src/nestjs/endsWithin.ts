import type { SchedulerLike } from 'rxjs';

/**
 * Waits for `work` for at most `timeoutMs` on `scheduler` (Infinity: as long as it takes).
 * Resolves true once it settled, false at the deadline (the work then goes on unobserved; its
 * rejection, if any, is left to whoever else awaits it). Leaves no timer behind.
 */
export async function endsWithin(
  work: Promise<unknown>,
  timeoutMs: number,
  scheduler: SchedulerLike,
): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  if (timeoutMs === Infinity) return settled;
  let expire: (ended: boolean) => void = () => undefined;
  const deadline = scheduler.schedule(() => expire(false), timeoutMs);
  try {
    return await Promise.race([settled, new Promise<boolean>((resolve) => (expire = resolve))]);
  } finally {
    deadline.unsubscribe();
  }
}
