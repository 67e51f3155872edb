import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { Subscription } from 'rxjs';
import { callWithin } from '../kinesis/callWithin.js';
import { streamParams } from '../kinesis/streamAddress.js';
import { callDeadlineMs } from '../kinesis/callDeadline.js';
import { Backoff } from '../kinesis/backoff.js';
import { classifyError } from '../kinesis/classifyError.js';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { ConnectionError } from '../kinesis/errors/ConnectionError.js';
import { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
import { schedulerTimer } from './CallerClientDeadline.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import { StreamRecreatedError } from './errors/StreamRecreatedError.js';

/**
 * Which stream of its name the consumer reads: a stream deleted and created again keeps its name
 * (and ARN) and starts its shard ids over. learn() reads its StreamCreationTimestamp once, when
 * the consumer starts; confirm() asks again, only after a read was refused (before a shard gone
 * from the listing is ended, a listed one read on from its position, or a position refused as
 * invalid fails the consumer): readings asking at once share one call. Each call has a
 * deadline (connectTimeout + requestTimeout). A call throttled (20 a second per account: a group
 * of workers starting, or all of them refused at once), failed by the service or its connection
 * (a retriable error but a timeout) is asked again with the consumer's back-off, at most
 * MAX_RETRIES times; learn()'s, failed on its connection, at the next listing instead (a wrong
 * endpoint fails the start no later). A call that fails for good, or times out, tells
 * nothing: the consumer goes on as without it (the stream may lack DescribeStreamSummary
 * permission).
 */
export class StreamGeneration {
  private createdAt: Date | undefined;
  /** learn()'s call, made once (one failed on its connection is made again at the next listing). */
  private learning: Promise<void> | undefined;
  private flight: Promise<Date | undefined> | undefined;

  constructor(
    private readonly client: KinesisClient,
    private readonly options: ResolvedConsumerOptions,
    /** Aborts the call under way and the wait before a retry (the consumer stops). */
    private readonly abortSignal: AbortSignal,
  ) {}

  /** Reads the stream's creation time (once; later calls wait for that one, then do nothing). */
  learn(): Promise<void> {
    return (this.learning ??= this.ask(true).then((answer) => {
      // Not connected: the listing waits for no back-off here (it fails or retries on its own),
      // and the next listing asks again.
      if (answer === NEXT_LISTING) this.learning = undefined;
      else this.createdAt = answer;
    }));
  }

  /** A StreamRecreatedError when the stream under the name is not the one learn() saw; else undefined. */
  async confirm(): Promise<StreamRecreatedError | undefined> {
    const before = this.createdAt;
    if (before === undefined) return undefined;
    const flight = (this.flight ??= this.ask(false) as Promise<Date | undefined>);
    const now = await flight;
    if (this.flight === flight) this.flight = undefined;
    if (now === undefined || now.getTime() === before.getTime()) return undefined;
    return new StreamRecreatedError(this.options.address.streamName, before, now);
  }

  /**
   * The creation time, asked again after a retriable failure (not a timeout); undefined if not
   * known. `starting`: a connection failure is NEXT_LISTING (the endpoint may be wrong: the
   * start is not made slower to fail).
   */
  private async ask(starting: boolean): Promise<Date | undefined | typeof NEXT_LISTING> {
    const { expoBackoff, expoBackoffLimit, retryLimit, random } = this.options;
    const backoff = new Backoff({
      baseMs: expoBackoff,
      capMs: expoBackoffLimit,
      retryLimit: Math.min(retryLimit, MAX_RETRIES),
      random,
    });
    for (;;) {
      const answer = await this.askOnce();
      if (!(answer instanceof RxjsKinesisError)) return answer;
      if (this.abortSignal.aborted) return undefined;
      // A call that outlived its deadline is not asked again: the start would wait that long again.
      if (!answer.retriable || answer instanceof RequestTimeoutError) return undefined;
      if (starting && answer instanceof ConnectionError) return NEXT_LISTING;
      const delayMs = backoff.next();
      if (delayMs === undefined || this.abortSignal.aborted) return undefined;
      await this.pause(delayMs);
      if (this.abortSignal.aborted) return undefined;
    }
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

/** Most retries of one question (it is optional: a start or a refused read does not wait longer). */
const MAX_RETRIES = 5;

/** learn()'s call failed on its connection: the next listing asks again. */
const NEXT_LISTING: unique symbol = Symbol('next listing');
