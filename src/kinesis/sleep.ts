import { startRealTimer, type StartTimer } from './startTimer.js';

/**
 * Resolves after `ms` milliseconds on the real clock (or on the clock of `startTimer`). If
 * `signal` aborts first, the timer is cancelled and the promise resolves early (callers check
 * the signal). Inject your own sleep wherever an option allows, to control time in tests.
 */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  startTimer: StartTimer = startRealTimer,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = startTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
