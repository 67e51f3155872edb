import type { ErrorContext } from '../errors/RxjsKinesisError.js';
import { AbortedError } from './errors/AbortedError.js';

/** The AbortedError for an aborted signal, carrying the signal's reason as cause. */
export function abortedError(signal: AbortSignal, context?: ErrorContext): AbortedError {
  const reason: unknown = signal.reason;
  const message =
    reason instanceof Error && reason.message.length > 0
      ? `The operation was aborted: ${reason.message}`
      : 'The operation was aborted';
  return new AbortedError(message, {
    ...(reason === undefined ? {} : { cause: reason }),
    ...(context === undefined ? {} : { context }),
  });
}

/** Throws AbortedError if `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, context?: ErrorContext): void {
  if (signal?.aborted === true) throw abortedError(signal, context);
}

/**
 * Settles like `promise`, or rejects as soon as `signal` aborts: with AbortedError, or with what
 * `toError` makes of the signal (a caller whose signal's reason is already the error to give).
 */
export function raceWithAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  context?: ErrorContext,
  toError: (signal: AbortSignal, context?: ErrorContext) => unknown = abortedError,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(toError(signal, context));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(toError(signal, context));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
