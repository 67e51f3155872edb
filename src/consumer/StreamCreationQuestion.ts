import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { Subscription } from 'rxjs';
import { callWithin } from '../kinesis/callWithin.js';
import { streamParams } from '../kinesis/streamAddress.js';
import { callDeadlineMs } from '../kinesis/callDeadline.js';
import { Backoff } from '../kinesis/backoff.js';
import { classifyError } from '../kinesis/classifyError.js';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { ConnectionError } from '../kinesis/errors/ConnectionError.js';
import { KinesisError } from '../kinesis/errors/KinesisError.js';
import { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
import { ThrottledError } from '../kinesis/errors/ThrottledError.js';
import { schedulerTimer } from './CallerClientDeadline.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import { Stopwatch } from './Stopwatch.js';

/** Why the creation time is not known, in the library's words (never the service's message). */
export interface Unanswered {
  readonly reason: string;
}

/** The question was asked at start and failed on its connection: the next listing asks again. */
export const NEXT_LISTING: unique symbol = Symbol('next listing');

/** How long a throttled question is asked again (from its first call), in ms. */
export const THROTTLED_RETRY_MS = 30_000;
/** Most retries of a question failed by the service or its connection (it is optional). */
export const MAX_RETRIES = 5;

/** The reason given when an answer carries no creation time (a stand-in server). */
export const NO_TIMESTAMP = 'DescribeStreamSummary answered without StreamCreationTimestamp';

/**
 * One question for the stream's StreamCreationTimestamp (DescribeStreamSummary), with its
 * retries. Each call has a deadline (connectTimeout + requestTimeout). A call throttled
 * (DescribeStreamSummary is limited to 20 a second per account: a group of workers starting
 * together, or all of them refused at once) is asked again with the consumer's jittered back-off
 * until THROTTLED_RETRY_MS passed since the question's first call; one failed by the service or
 * its connection (a retriable error but a timeout) at most MAX_RETRIES times (and `retryLimit`).
 * Every wait runs on the consumer's scheduler and ends when `abortSignal` aborts (the consumer
 * stops: the question then answers undefined).
 */
export class StreamCreationQuestion {
  constructor(
    private readonly client: KinesisClient,
    private readonly options: ResolvedConsumerOptions,
    private readonly abortSignal: AbortSignal,
  ) {}

  /**
   * The creation time, or why it is not known, or undefined once stopped. `starting`: a
   * connection failure is NEXT_LISTING (the endpoint may be wrong: the start is not made slower
   * to fail).
   */
  async ask(starting: boolean): Promise<Date | Unanswered | typeof NEXT_LISTING | undefined> {
    const { expoBackoff, expoBackoffLimit, retryLimit, random, scheduler } = this.options;
    const backoff = { baseMs: expoBackoff, capMs: expoBackoffLimit, random };
    const failures = new Backoff({ ...backoff, retryLimit: Math.min(retryLimit, MAX_RETRIES) });
    const throttles = new Backoff(backoff);
    // A wall clock set back does not lengthen the throttled retries.
    const watch = new Stopwatch(() => scheduler.now());
    for (;;) {
      const answer = await this.askOnce();
      if (answer instanceof Date) return answer;
      if (answer === undefined) return { reason: NO_TIMESTAMP };
      if (this.abortSignal.aborted) return undefined;
      const code = codeOf(answer);
      if (!answer.retriable) return { reason: `DescribeStreamSummary refused (${code})` };
      // A call that outlived its deadline is not asked again: the start would wait that long again.
      if (answer instanceof RequestTimeoutError) return { reason: this.timedOut(answer) };
      if (starting && answer instanceof ConnectionError) return NEXT_LISTING;
      let delayMs: number | undefined;
      if (answer instanceof ThrottledError) {
        const left = THROTTLED_RETRY_MS - watch.elapsed();
        delayMs = left > 0 ? Math.min(throttles.next() ?? expoBackoffLimit, left) : undefined;
        if (delayMs === undefined)
          return { reason: `DescribeStreamSummary throttled (${code}) for ${THROTTLED_RETRY_MS} ms` };
      } else {
        delayMs = failures.next();
        if (delayMs === undefined)
          return { reason: `DescribeStreamSummary failed ${failures.attempts + 1} times (${code})` };
      }
      await this.pause(delayMs);
      if (this.abortSignal.aborted) return undefined;
    }
  }

  /**
   * What timed the question out: the call's own deadline (connectTimeout + requestTimeout, a
   * backstop), the client's timeouts (its request handler gave up first: with the consumer's own
   * client, at requestTimeout or connectTimeout), or a server that answered HTTP 408.
   */
  private timedOut(error: RequestTimeoutError): string {
    const { client, connectTimeout, requestTimeout } = this.options;
    if (error.httpStatusCode === 408) return 'DescribeStreamSummary answered HTTP 408 (request timeout)';
    // callWithin's own timeout has no cause: the call was given up at its deadline.
    if (error.cause === undefined) {
      const ms = callDeadlineMs(connectTimeout, requestTimeout);
      return `DescribeStreamSummary got no answer within ${ms} ms`;
    }
    return client === undefined
      ? `DescribeStreamSummary timed out in the client (requestTimeout ${requestTimeout} ms, connectTimeout ${connectTimeout} ms)`
      : 'DescribeStreamSummary timed out in the client';
  }

  /** Waits `ms` on the consumer's scheduler, or until the consumer stops (the timer cancelled). */
  private pause(ms: number): Promise<void> {
    const signal = this.abortSignal;
    return new Promise((resolve) => {
      const wait: { timer?: Subscription } = {};
      const done = (): void => {
        signal.removeEventListener('abort', done);
        wait.timer?.unsubscribe();
        resolve();
      };
      signal.addEventListener('abort', done);
      wait.timer = this.options.scheduler.schedule(done, ms);
    });
  }

  /** The creation time (undefined if not answered), or the call's error. */
  private async askOnce(): Promise<Date | undefined | RxjsKinesisError> {
    const { address, connectTimeout, requestTimeout, scheduler } = this.options;
    try {
      const output = await callWithin(
        (abortSignal) =>
          this.client.send(new DescribeStreamSummaryCommand(streamParams(address)), { abortSignal }),
        {
          timeoutMs: callDeadlineMs(connectTimeout, requestTimeout),
          startTimer: schedulerTimer(scheduler),
          abortSignal: this.abortSignal,
          api: 'DescribeStreamSummary',
          context: { streamName: address.streamName },
        },
      );
      return output.StreamDescriptionSummary?.StreamCreationTimestamp;
    } catch (caught) {
      return classifyError(caught, { streamName: address.streamName });
    }
  }
}

/** The error's code (a name such as AccessDeniedException, never its message), else its class. */
function codeOf(error: RxjsKinesisError): string {
  const code = error instanceof KinesisError ? error.code : undefined;
  return code !== undefined && /^[\w.:-]{1,100}$/.test(code) ? code : error.name;
}
