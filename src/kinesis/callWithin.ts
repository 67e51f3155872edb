import type { ErrorContext } from '../errors/RxjsKinesisError.js';
import { abortedError } from './abortSignal.js';
import { RequestTimeoutError } from './errors/RequestTimeoutError.js';
import type { StartTimer } from './startTimer.js';

export interface CallWithinOptions {
  /** The deadline, in ms (undefined: none). */
  readonly timeoutMs: number | undefined;
  readonly startTimer: StartTimer;
  /** Aborts the call at once (AbortedError). */
  readonly abortSignal: AbortSignal | undefined;
  /** The API called, for the timeout's message. */
  readonly api: string;
  readonly context: ErrorContext;
}

/**
 * Makes one call with its own AbortSignal. With a deadline, a call still unanswered when it
 * passes is aborted and rejects with a RequestTimeoutError (retriable, like a connection timeout);
 * when `abortSignal` aborts, the call is aborted and rejects with AbortedError. Either way the
 * timer is cancelled and a late answer is ignored.
 */
export function callWithin<R>(
  call: (abortSignal: AbortSignal) => Promise<R>,
  options: CallWithinOptions,
): Promise<R> {
  const { timeoutMs, abortSignal, context } = options;
  const controller = new AbortController();
  return new Promise<R>((resolve, reject) => {
    let done = false;
    let cancelTimer: (() => void) | undefined;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      cancelTimer?.();
      abortSignal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      reject(abortedError(abortSignal!, context));
      controller.abort(abortSignal!.reason);
    };
    if (abortSignal?.aborted === true) {
      onAbort();
      return;
    }
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      cancelTimer = options.startTimer(() => {
        cancelTimer = undefined;
        if (!finish()) return;
        reject(new RequestTimeoutError(`${options.api} got no answer within ${timeoutMs} ms`, { context }));
        controller.abort();
      }, timeoutMs);
    }
    let answer: Promise<R>;
    try {
      answer = call(controller.signal);
    } catch (error) {
      if (finish()) reject(error);
      return;
    }
    answer.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}
