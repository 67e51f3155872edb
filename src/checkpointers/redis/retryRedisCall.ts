import { isError } from '../../errors/redact.js';
import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';
import { Backoff, type BackoffOptions } from '../../kinesis/backoff.js';
import { MAX_TIMER_MS } from '../../kinesis/callDeadline.js';
import { sleep as realSleep } from '../../kinesis/sleep.js';
import { RedisCommandError } from './errors/RedisCommandError.js';
import { RedisUnavailableError } from './errors/RedisUnavailableError.js';
import { isRetriableRedisError } from './isRetriableRedisError.js';

export interface RetryRedisCallOptions {
  readonly backoff: BackoffOptions;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly context?: ErrorContext;
  /** Checked before each retry: a closed checkpointer stops retrying with this error. */
  readonly stopped?: () => Error | undefined;
  /** Aborted on close: ends the wait before the next attempt at once (then `stopped` is checked). */
  readonly signal?: AbortSignal;
  /**
   * How long the call may take in all, attempts and waits included (ms). An attempt still
   * unanswered then is abandoned (its reply, if any, is ignored) and the call rejects with
   * RedisUnavailableError. Default: no limit.
   */
  readonly timeoutMs?: number;
  /** Why an attempt got no reply in time (e.g. the connection's last error). */
  readonly timeoutReason?: (ms: number) => unknown;
  /** Told when the attempt still unanswered at `timeoutMs` is abandoned. */
  readonly onAbandon?: () => void;
  /** The clock for `timeoutMs`. Default Date.now. */
  readonly now?: () => number;
  /**
   * When, on `now`, the `timeoutMs` started (an earlier call's start, for calls that share one
   * deadline). Default: the call's own start. No attempt is sent once the deadline has passed.
   */
  readonly startedAt?: number;
  /** Told before each retry: the attempt that failed, the wait before the next, and why. */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/**
 * Runs one Redis call, repeating it with back-off while it fails for a transient reason, within
 * `timeoutMs` in all. Every lease script is idempotent (an acquisition repeated with the token it
 * sent gets that lease back, the same checkpoint again is accepted), so repeating a call whose reply was lost is safe.
 * Raises RedisUnavailableError (retriable) when the retries or the time run out (with 0 attempts
 * when the calls sharing the deadline left none for this one: it was not sent),
 * RedisCommandError for a permanent Redis error, and rethrows this library's own errors unchanged.
 */
export async function retryRedisCall<T>(
  operation: string,
  call: () => Promise<T>,
  options: RetryRedisCallOptions,
): Promise<T> {
  const backoff = new Backoff(options.backoff);
  const signal = options.signal;
  const userSleep = options.sleep;
  const sleep =
    userSleep === undefined
      ? (ms: number) => realSleep(ms, signal)
      : (ms: number) => untilAborted(userSleep(ms), signal);
  const now = options.now ?? Date.now;
  const deadline =
    options.timeoutMs === undefined
      ? Number.POSITIVE_INFINITY
      : (options.startedAt ?? now()) + options.timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    // No time left (a deadline shared with an earlier call, a back-off timer run late): nothing is
    // sent, so nothing is abandoned.
    if (now() >= deadline) {
      const ms = options.timeoutMs ?? 0;
      // Before a first attempt, only the calls that share the deadline can have taken the time.
      const reason =
        attempt === 1
          ? new Error(`the calls before it, which share its deadline, took all of its ${ms} ms (callTimeout)`)
          : (options.timeoutReason?.(ms) ?? new Error(`no reply from Redis within ${ms} ms`));
      throw new RedisUnavailableError(operation, attempt - 1, reason, options.context);
    }
    try {
      return await withDeadline(call(), deadline - now(), options.timeoutMs, options.timeoutReason);
    } catch (error) {
      if (error instanceof RxjsKinesisError) throw error;
      if (error instanceof DeadlinePassed) {
        options.onAbandon?.();
        throw new RedisUnavailableError(operation, attempt, error.reason, options.context);
      }
      if (!isRetriableRedisError(error))
        throw new RedisCommandError(operation, describe(error), error, options.context);
      const delay = backoff.next();
      if (delay === undefined || now() + delay >= deadline)
        throw new RedisUnavailableError(operation, attempt, error, options.context);
      options.onRetry?.(attempt, delay, error);
      await sleep(delay);
      const stop = options.stopped?.();
      if (stop !== undefined) throw stop;
    }
  }
}

/** `waiting`, or less when `signal` aborts first. */
function untilAborted(waiting: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return waiting;
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    waiting.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

class DeadlinePassed {
  constructor(readonly reason: unknown) {}
}

function withDeadline<T>(
  attempt: Promise<T>,
  remainingMs: number,
  timeoutMs: number | undefined,
  timeoutReason: ((ms: number) => unknown) | undefined,
): Promise<T> {
  if (!Number.isFinite(remainingMs)) return attempt;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        const ms = timeoutMs ?? 0;
        reject(new DeadlinePassed(timeoutReason?.(ms) ?? new Error(`no reply from Redis within ${ms} ms`)));
      },
      // A longer timer would be run by Node after 1 ms: callTimeout (half a sessionTimeout by
      // default) may be longer.
      Math.min(Math.max(0, remainingMs), MAX_TIMER_MS),
    );
    attempt.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function describe(error: unknown): string {
  return isError(error) ? error.message : String(error);
}
