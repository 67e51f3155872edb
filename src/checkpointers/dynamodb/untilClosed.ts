/**
 * Settles like `promise`, or rejects with `closing.reason` (the checkpointer's
 * CheckpointerClosedError) as soon as `closing` aborts: a wait ends at close() even while a sleep
 * of the caller's own or a request is still pending.
 */
export function untilClosed<T>(promise: Promise<T>, closing: AbortSignal | undefined): Promise<T> {
  if (closing === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(closing.reason as Error);
    };
    if (closing.aborted) {
      onAbort();
      return;
    }
    closing.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        closing.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        closing.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
