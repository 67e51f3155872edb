import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { ErrorContext, RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { raceWithAbort, throwIfAborted } from './abortSignal.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { classifyError, isRetriable as defaultIsRetriable } from './classifyError.js';
import { RetryLimitExceededError } from './errors/RetryLimitExceededError.js';
import type { KinesisError } from './errors/KinesisError.js';
import { sleep as realSleep } from './sleep.js';

export interface RetryOptions extends BackoffOptions {
  /** Waits between attempts (default: a real timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Decides whether a failure is worth another attempt (default: the classified error's `retriable`). */
  readonly isRetriable?: (error: unknown) => boolean;
  /** Called before each retry with the classified error, the number of the coming attempt (1 = first retry) and the delay. */
  readonly onRetry?: (error: RxjsKinesisError, attempt: number, delayMs: number) => void;
  /** Stops retrying: the pending wait ends at once and retry() rejects with AbortedError. */
  readonly signal?: AbortSignal;
  /** Added to every error raised. */
  readonly context?: ErrorContext;
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(option, value, 'expected a function');
  }
}

/**
 * Runs `operation` until it succeeds, backing off with full jitter between failures. A failure
 * that is not retriable is rethrown at once (classified as an RxjsKinesisError); when the retries
 * run out, RetryLimitExceededError is thrown with the last error as `cause`. `operation` receives
 * the attempt number, 0 for the first call.
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  if (typeof operation !== 'function') {
    throw new InvalidOptionError('operation', operation, 'expected a function returning a promise');
  }
  checkFunction('sleep', options.sleep);
  checkFunction('isRetriable', options.isRetriable);
  checkFunction('onRetry', options.onRetry);
  const backoff = new Backoff(options);
  const { signal, context } = options;
  const isRetriable = options.isRetriable ?? defaultIsRetriable;

  for (let attempt = 0; ; attempt += 1) {
    throwIfAborted(signal, context);
    let failure: unknown;
    try {
      return await operation(attempt);
    } catch (error) {
      failure = error;
    }
    throwIfAborted(signal, context);
    const classified = classifyError(failure, context);
    if (!isRetriable(failure)) throw classified;
    const delayMs = backoff.next();
    if (delayMs === undefined) {
      const code = (classified as Partial<KinesisError>).code;
      throw new RetryLimitExceededError(
        `Gave up after ${attempt + 1} attempt${attempt === 0 ? '' : 's'}: ${classified.message}`,
        {
          attempts: attempt + 1,
          cause: classified,
          context: classified.context,
          ...(typeof code === 'string' ? { code } : {}),
        },
      );
    }
    options.onRetry?.(classified, attempt + 1, delayMs);
    const wait = options.sleep === undefined ? realSleep(delayMs, signal) : options.sleep(delayMs);
    await raceWithAbort(wait, signal, context);
  }
}
