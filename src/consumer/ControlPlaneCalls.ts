import type { SchedulerLike } from 'rxjs';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { Backoff } from '../kinesis/backoff.js';
import { callWithin } from '../kinesis/callWithin.js';
import { RetryLimitExceededError } from '../kinesis/errors/RetryLimitExceededError.js';
import { ThrottledError } from '../kinesis/errors/ThrottledError.js';
import { retry } from '../kinesis/retry.js';
import { schedulerTimer } from './CallerClientDeadline.js';
import type { ConsumerEvent } from './ConsumerEvent.js';

export interface ControlPlaneCallsOptions {
  readonly streamName: string;
  /** How long throttled calls are retried, on their own back-off, before giving up. */
  readonly activationTimeoutMs: number;
  /** Every wait runs on it. */
  readonly scheduler: SchedulerLike;
  readonly backoff: {
    readonly baseMs: number;
    readonly capMs: number;
    readonly retryLimit: number;
    readonly random: () => number;
  };
  readonly onEvent: (event: ConsumerEvent) => void;
  /**
   * Deadline of each call (a client of the caller's own: connectTimeout + requestTimeout);
   * undefined: the client's handler has its own.
   */
  readonly callTimeoutMs?: number | undefined;
}

/**
 * The stream consumer's control-plane calls (DescribeStreamSummary, RegisterStreamConsumer,
 * DescribeStreamConsumer, DeregisterStreamConsumer): each with its deadline, retried with
 * back-off, throttling retried apart until `activationTimeoutMs`, and waits on the scheduler.
 */
export class ControlPlaneCalls {
  constructor(private readonly options: ControlPlaneCallsOptions) {}

  /**
   * One control-plane call, retried with back-off. Throttling (these calls have low per-second
   * rates, shared by every worker of the account or stream) is retried on its own back-off until
   * `activationTimeoutMs` has passed, without counting against `retryLimit`: a group of consumers
   * starting at once is slowed down, not failed.
   */
  async call<T>(
    operation: string,
    signal: AbortSignal,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { backoff, activationTimeoutMs, onEvent, scheduler } = this.options;
    const giveUpAt = scheduler.now() + activationTimeoutMs;
    const throttleBackoff = new Backoff({ ...backoff, retryLimit: Number.POSITIVE_INFINITY });
    let throttles = 0;
    let attempts = 0;
    for (;;) {
      try {
        return await this.callRetried(operation, signal, run);
      } catch (error) {
        const throttled = error instanceof RetryLimitExceededError ? error.cause : error;
        if (!(throttled instanceof ThrottledError) || signal.aborted) throw error;
        attempts += error instanceof RetryLimitExceededError ? error.attempts : 1;
        const left = giveUpAt - scheduler.now();
        if (left <= 0) throw this.gaveUp(attempts, throttled);
        throttles += 1;
        const delayMs = Math.min(throttleBackoff.next() ?? backoff.capMs, left);
        onEvent({ type: 'error-retried', operation, error: throttled, attempt: throttles, delayMs });
        await this.sleep(delayMs, signal);
        if (signal.aborted) throw error;
      }
    }
  }

  /** Throttled until activationTimeoutMs passed: every attempt counted, the last refusal as cause. */
  private gaveUp(attempts: number, throttled: ThrottledError): RetryLimitExceededError {
    return new RetryLimitExceededError(
      `Gave up after ${attempts} attempts in ${this.options.activationTimeoutMs} ms ` +
        `(activationTimeoutMs), each refused: ${throttled.message}`,
      {
        attempts,
        cause: throttled,
        context: throttled.context,
        ...(throttled.code === undefined ? {} : { code: throttled.code }),
      },
    );
  }

  private callRetried<T>(
    operation: string,
    signal: AbortSignal,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { backoff, onEvent, callTimeoutMs, scheduler } = this.options;
    const attempt =
      callTimeoutMs === undefined
        ? () => run(signal)
        : () =>
            callWithin(run, {
              timeoutMs: callTimeoutMs,
              startTimer: schedulerTimer(scheduler),
              abortSignal: signal,
              api: operation,
              context: { streamName: this.options.streamName },
            });
    return retry(attempt, {
      ...backoff,
      sleep: (ms) => this.sleep(ms, signal),
      signal,
      context: { streamName: this.options.streamName },
      onRetry: (error: RxjsKinesisError, attempt, delayMs) =>
        onEvent({ type: 'error-retried', operation, error, attempt, delayMs }),
    });
  }

  /** Resolves after `ms` on the scheduler, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        timer.unsubscribe();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.options.scheduler.schedule(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
