import type { ShardProgress } from './ShardProgress.js';

/** What waitForDrain needs of a reading. */
export interface Drainable {
  readonly progress: ShardProgress;
  whenSettled(callback: () => void): () => void;
}

/**
 * Resolves true once `reading` has no record in flight, false when `timeoutMs` passed first or
 * `stillWaiting()` turned false (the reading moved on).
 */
export function waitForDrain(
  reading: Drainable,
  stillWaiting: () => boolean,
  timer: (ms: number, callback: () => void) => () => void,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    let cancelWaiter: () => void = () => undefined;
    const cancelTimer = timer(timeoutMs, () => {
      cancelWaiter();
      resolve(reading.progress.size === 0);
    });
    const check = (): void => {
      if (reading.progress.size > 0 && stillWaiting()) {
        cancelWaiter = reading.whenSettled(check);
        return;
      }
      cancelTimer();
      resolve(reading.progress.size === 0);
    };
    check();
  });
}
