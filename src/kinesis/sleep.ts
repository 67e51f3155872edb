/**
 * Resolves after `ms` milliseconds on the real clock. If `signal` aborts first, the timer is
 * cleared and the promise resolves early (callers check the signal). Inject your own sleep
 * wherever an option allows, to control time in tests.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
