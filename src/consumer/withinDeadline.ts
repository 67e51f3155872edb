import type { SchedulerLike } from 'rxjs';

/**
 * Waits for `work` for at most `timeoutMs` on `scheduler`: resolves true once it resolved
 * (rejects as it does when it rejects first), false when the deadline passed first (a later
 * rejection of `work` is then ignored). The deadline's timer is gone once this settled; an
 * infinite `timeoutMs` starts none.
 */
export async function withinDeadline(
  work: Promise<void>,
  timeoutMs: number,
  scheduler: SchedulerLike,
): Promise<boolean> {
  if (timeoutMs === Number.POSITIVE_INFINITY) return work.then(() => true);
  let expire: () => void = () => undefined;
  const expired = new Promise<boolean>((resolve) => (expire = () => resolve(false)));
  const deadline = scheduler.schedule(() => expire(), timeoutMs);
  try {
    return await Promise.race([work.then(() => true), expired]);
  } finally {
    deadline.unsubscribe();
  }
}
