import { classifyError } from '../kinesis/classifyError.js';
import {
  DescribeStreamSummaryCommand,
  type DescribeStreamSummaryCommandOutput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { backoffDelay } from '../kinesis/backoff.js';
import { ensureStream } from '../kinesis/ensureStream.js';
import { ConnectionError } from '../kinesis/errors/ConnectionError.js';
import { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
import { StreamNotActiveError } from '../kinesis/errors/StreamNotActiveError.js';
import { StreamNotFoundError } from '../kinesis/errors/StreamNotFoundError.js';
import { streamParams } from '../kinesis/streamAddress.js';
import type { LogLevel } from '../logging/Logger.js';
import type { LogDetails } from '../logging/writeLog.js';
import type { ConnectionFailureDeadline } from './ConnectionFailureDeadline.js';
import type { ProducerCalls } from './ProducerCalls.js';
import type { ResolvedProducerOptions } from './ProducerOptions.js';
import type { ShardPredictor } from './ShardPredictor.js';

/** Longest wait between two looks at a stream that does not exist or is not ACTIVE yet. */
const STREAM_LOOKUP_MAX_DELAY_MS = 1000;

/** What the startup needs from the engine. */
export interface StreamStartupHost {
  disposed(): boolean;
  /** Runs work from a callback; an unexpected throw is reported as fatal. */
  guard(work: () => void): void;
  log(level: LogLevel, message: string, details: LogDetails): void;
  /** A shard map was loaded. */
  shardMapLoaded(): void;
  /** The stream can take writes. */
  becomeReady(): void;
  /** The stream cannot be used: every item, now and later, fails with `error`. */
  breakDown(error: RxjsKinesisError, attempts: number, retryLimitReached: boolean): void;
  /** Fails every item waiting for the first shard map with `error`. */
  failIncoming(error: RxjsKinesisError, attempts: number, retryLimitReached: boolean): void;
}

/**
 * The stream wait before the first send: creates the stream if asked, loads the first shard map
 * with back-off, waits up to streamWaitTime for a missing or CREATING stream to become ACTIVE,
 * and fails waiting items once connection failures pass connectionFailureTimeout.
 */
export class StreamStartup<T> {
  private readonly startedAt: number;
  private sawMissingStream = false;
  /** The timer of the next look at the stream, if one is waiting. */
  private retryTimer: Subscription | undefined;
  /** Aborts ensureStream (`createStream: true`) when the engine is disposed. */
  private readonly ensuring = new AbortController();

  constructor(
    private readonly client: KinesisClient,
    private readonly options: ResolvedProducerOptions<T>,
    private readonly scheduler: SchedulerLike,
    private readonly predictor: ShardPredictor,
    private readonly connection: ConnectionFailureDeadline,
    private readonly host: StreamStartupHost,
    private readonly calls: ProducerCalls,
  ) {
    this.startedAt = scheduler.now();
  }

  /**
   * Cancels the next look at the stream, if one is waiting, and stops ensureStream (its calls
   * and waits) if it is running: the engine is disposed.
   */
  stop(): void {
    this.retryTimer?.unsubscribe();
    this.retryTimer = undefined;
    this.ensuring.abort();
  }

  start(): void {
    this.host.log('info', 'producer started', { endpoint: this.connection.endpointDescription() });
    if (!this.options.createStream) this.loadShardMap(0);
    else this.ensureCreated(0);
  }

  /**
   * `createStream: true`: creates the stream if it is missing and waits for it to become ACTIVE,
   * within what is left of streamWaitTime. Connection failures lasting connectionFailureTimeout
   * fail the items waiting meanwhile; the producer then keeps trying (as it keeps looking up a
   * stream it did not create), so a passing outage at start-up does not fail every later item.
   */
  private ensureCreated(attempt: number): void {
    const { scheduler } = this;
    const deadlineMs = this.calls.deadline?.ms;
    // On the producer's scheduler, and through a caller's client with the deadline of its other calls.
    ensureStream(this.client, this.options.address, {
      create: true,
      shardCount: this.options.createStreamShards,
      // The stream it creates is waited for as a missing or CREATING one is: streamWaitTime from
      // the start (more than 0 with createStream), a retry after connection failures included.
      timeoutMs: this.options.streamWaitTime,
      waitSince: this.startedAt,
      connectionFailureTimeoutMs: this.options.connectionFailureTimeout,
      ...(deadlineMs === undefined ? {} : { callTimeoutMs: deadlineMs }),
      startTimer: (fire, ms) => {
        const timer = scheduler.schedule(fire, ms);
        return () => timer.unsubscribe();
      },
      now: () => scheduler.now(),
      abortSignal: this.ensuring.signal,
    }).then(
      () =>
        this.host.guard(() => {
          if (!this.host.disposed()) this.loadShardMap(0);
        }),
      (error: unknown) =>
        this.host.guard(() => {
          if (this.host.disposed()) return;
          const classified = classifyError(error);
          if (!(classified instanceof ConnectionError))
            return this.host.breakDown(classified, attempt + 1, false);
          this.host.failIncoming(classified, attempt + 1, false);
          const delayMs = this.lookupDelay(attempt, false, scheduler.now());
          this.host.log('warn', 'retrying stream creation', {
            attempt: attempt + 1,
            delayMs,
            error: classified,
          });
          this.retryLater(() => this.ensureCreated(attempt + 1), delayMs);
        }),
    );
  }

  private loadShardMap(attempt: number): void {
    this.predictor.load((error) =>
      this.host.guard(() => {
        if (this.host.disposed()) return;
        if (error === undefined) {
          this.connection.answered();
          this.host.shardMapLoaded();
          if (this.sawMissingStream) this.awaitActive(0);
          else this.host.becomeReady();
          return;
        }
        const classified = classifyError(error, { streamName: this.options.address.streamName });
        const now = this.scheduler.now();
        if (classified instanceof ConnectionError) {
          // Items waiting for the first shard map fail once the failures last too long; the
          // producer keeps looking, so it recovers when the network does.
          const given = this.connection.giveUp(classified, now);
          if (given !== undefined) this.host.failIncoming(given, attempt + 1, false);
        } else {
          this.connection.answered();
        }
        const missing =
          classified instanceof StreamNotFoundError || classified instanceof StreamNotActiveError;
        if (missing) {
          // Created before its stream (or while it is CREATING): look again until streamWaitTime.
          this.sawMissingStream = true;
          if (now - this.startedAt >= this.options.streamWaitTime) {
            return this.host.breakDown(classified, attempt + 1, false);
          }
        } else {
          if (!classified.retriable) return this.host.breakDown(classified, attempt + 1, false);
          // The waiting items have had their retries; the producer keeps looking (as it does
          // through connection failures), so a passing outage does not fail every later item.
          if (attempt >= this.options.retryLimit) this.host.failIncoming(classified, attempt + 1, true);
        }
        const delayMs = this.lookupDelay(attempt, missing, now);
        this.host.log(missing ? 'debug' : 'warn', 'retrying shard map load', {
          attempt: attempt + 1,
          delayMs,
          error: classified,
        });
        this.retryLater(() => this.loadShardMap(attempt + 1), delayMs);
      }),
    );
  }

  /** Runs `work` after `delayMs` unless stop() comes first. */
  private retryLater(work: () => void, delayMs: number): void {
    if (this.host.disposed()) return;
    this.retryTimer = this.scheduler.schedule(() => {
      this.retryTimer = undefined;
      this.host.guard(() => {
        if (!this.host.disposed()) work();
      });
    }, delayMs);
  }

  /** Back-off before looking the stream up again; while waiting for a stream, at most 1 s and never past the wait. */
  private lookupDelay(attempt: number, waitingForStream: boolean, now: number): number {
    const delay = backoffDelay(attempt, {
      baseMs: this.options.expoBackoff,
      capMs: this.options.expoBackoffLimit,
      random: this.options.random,
    });
    if (!waitingForStream) return delay;
    const left = this.startedAt + this.options.streamWaitTime - now;
    return Math.max(0, Math.min(delay, STREAM_LOOKUP_MAX_DELAY_MS, left));
  }

  /**
   * After the stream was first found missing, it may still be CREATING (ListShards answers, but
   * PutRecords would be refused): wait until DescribeStreamSummary says it can take writes.
   */
  private awaitActive(attempt: number): void {
    const done = (ready: boolean, error?: RxjsKinesisError) =>
      this.host.guard(() => {
        if (this.host.disposed()) return;
        if (ready) return this.host.becomeReady();
        const now = this.scheduler.now();
        if (now - this.startedAt >= this.options.streamWaitTime) {
          return this.host.breakDown(
            error ??
              new StreamNotActiveError(
                `Stream ${this.options.address.streamName} did not become ACTIVE within ${this.options.streamWaitTime} ms`,
                { context: { streamName: this.options.address.streamName } },
              ),
            attempt + 1,
            false,
          );
        }
        this.retryLater(() => this.awaitActive(attempt + 1), this.lookupDelay(attempt, true, now));
      });
    const { calls } = this;
    const command = new DescribeStreamSummaryCommand(streamParams(this.options.address));
    calls.call<DescribeStreamSummaryCommandOutput>(
      (abortSignal) => this.client.send(command, { abortSignal }),
      () =>
        new RequestTimeoutError(`DescribeStreamSummary got no answer within ${calls.deadline?.ms} ms`, {
          context: { streamName: this.options.address.streamName },
        }),
      (output) => {
        // A client of the caller's own may answer nothing (a mock): read as no status given.
        const status = (output as DescribeStreamSummaryCommandOutput | undefined)?.StreamDescriptionSummary
          ?.StreamStatus;
        done(status === undefined || status === 'ACTIVE' || status === 'UPDATING');
      },
      (error: unknown) => {
        const classified = classifyError(error, { streamName: this.options.address.streamName });
        const missing =
          classified instanceof StreamNotFoundError || classified instanceof StreamNotActiveError;
        // Anything else (e.g. no permission for DescribeStreamSummary): let PutRecords tell.
        done(!missing, classified);
      },
    );
  }
}
