import type { Subscription } from 'rxjs';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { Backoff } from '../kinesis/backoff.js';
import { ExpiredIteratorError } from '../kinesis/errors/ExpiredIteratorError.js';
import { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
import { RetryLimitExceededError } from '../kinesis/errors/RetryLimitExceededError.js';
import { ThrottledError } from '../kinesis/errors/ThrottledError.js';
import type { ReadingSource, ReadingSourceParams } from './ReadingSource.js';
import type { IteratorRequest, RecordsPage, ShardReader } from './ShardReader.js';
import { paceWait } from './paceWait.js';

export interface ShardPollerOptions extends ReadingSourceParams {
  readonly reader: ShardReader;
  /** Shortest time between two GetRecords calls, in ms (1000 / shardFetchRate). */
  readonly fetchIntervalMs: number;
  /** Wait after a call that found the shard caught up, in ms. */
  readonly sleepTimeNoRecordsMs: number;
  readonly recordLimit: number;
  /** Consecutive timed-out reads after which `onStalled` (when given) is called (default 3). */
  readonly stallTimeouts?: number;
  readonly backoff: {
    readonly baseMs: number;
    readonly capMs: number;
    readonly retryLimit: number;
    readonly random: () => number;
  };
}

/**
 * Reads one shard: GetShardIterator, then GetRecords paced to at most one call per
 * `fetchIntervalMs`, sleeping `sleepTimeNoRecordsMs` when caught up, pausing while the in-flight
 * gate is full, backing off on throttling and retriable errors, and renewing an expired iterator
 * from the last emitted record. Every wait runs on the scheduler. Independent of other shards.
 * With `onStalled`, `stallTimeouts` timed-out reads in a row stop it and call `onStalled`.
 */
export class ShardPoller implements ReadingSource {
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;
  private lastCallAt = Number.NEGATIVE_INFINITY;
  private request: Subscription | undefined;
  private timer: Subscription | undefined;
  private cancelWait: (() => void) | undefined;
  private stopped = true;
  private readonly backoff: Backoff;
  /** Throttling is expected under load: it backs off but never exhausts the retry limit. */
  private readonly throttleBackoff: Backoff;
  private readonly startedAt: number;
  /** Reads in a row that timed out (reset by any answer). */
  private timeouts = 0;

  constructor(private readonly options: ShardPollerOptions) {
    this.backoff = new Backoff(options.backoff);
    this.throttleBackoff = new Backoff({ ...options.backoff, retryLimit: Number.POSITIVE_INFINITY });
    this.startedAt = options.scheduler.now();
  }

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.step();
  }

  stop(): void {
    this.stopped = true;
    this.request?.unsubscribe();
    this.timer?.unsubscribe();
    this.cancelWait?.();
    this.request = undefined;
    this.timer = undefined;
    this.cancelWait = undefined;
  }

  private later(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.options.scheduler.schedule(
      () => {
        this.timer = undefined;
        this.step();
      },
      Math.max(0, delayMs),
    );
  }

  private step(): void {
    if (this.stopped) return;
    if (this.iterator === undefined) this.fetchIterator();
    else this.fetchRecords(this.iterator);
  }

  private iteratorRequest(): IteratorRequest {
    if (this.lastSequenceNumber !== undefined) {
      return { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.lastSequenceNumber };
    }
    if (this.options.start.iteratorType === 'LATEST' && this.lastCallAt > Number.NEGATIVE_INFINITY) {
      // LATEST again could skip records that arrived since the first iterator: resume from its time.
      return { iteratorType: 'AT_TIMESTAMP', timestamp: new Date(this.startedAt) };
    }
    return this.options.start;
  }

  private fetchIterator(): void {
    const { reader, shardId } = this.options;
    const request = reader.getShardIterator(shardId, this.iteratorRequest()).subscribe({
      next: (iterator) => {
        this.request = undefined;
        this.iterator = iterator;
        this.timeouts = 0;
        this.backoff.reset();
        this.step();
      },
      error: (error: RxjsKinesisError) => {
        this.request = undefined;
        this.retry('GetShardIterator', error);
      },
    });
    if (!request.closed) this.request = request;
  }

  private fetchRecords(iterator: string): void {
    const { gate, scheduler } = this.options;
    const wait = this.untilNextCall();
    if (wait > 0) {
      this.later(wait);
      return;
    }
    const limit = gate.reserve(Math.min(this.options.recordLimit, Math.max(1, this.options.fairShare())));
    if (limit === 0) {
      this.cancelWait = gate.whenRoom(() => {
        this.cancelWait = undefined;
        this.step();
      });
      return;
    }
    this.lastCallAt = scheduler.now();
    let settled = false;
    const settle = (used: number, bytes = 0) => {
      if (!settled) gate.settleReservation(limit, used, bytes);
      settled = true;
    };
    const request = this.options.reader.getRecords(this.options.shardId, iterator, limit).subscribe({
      next: (page) => {
        this.request = undefined;
        let bytes = 0;
        for (const record of page.records) bytes += record.Data?.byteLength ?? 0;
        settle(page.records.length, bytes);
        this.timeouts = 0;
        this.backoff.reset();
        this.throttleBackoff.reset();
        this.onPage(page);
      },
      error: (error: RxjsKinesisError) => {
        this.request = undefined;
        settle(0);
        if (error instanceof ExpiredIteratorError) {
          this.timeouts = 0;
          this.iterator = undefined;
          this.options.onEvent({
            type: 'iterator-renewed',
            shardId: this.options.shardId,
            ...(this.lastSequenceNumber === undefined
              ? {}
              : { afterSequenceNumber: this.lastSequenceNumber }),
          });
          this.step();
          return;
        }
        this.retry('GetRecords', error);
      },
    });
    // An aborted request (stop) never answers: give its reservation back.
    request.add(() => settle(0));
    if (!request.closed) this.request = request;
  }

  private onPage(page: RecordsPage): void {
    this.options.onPage?.(page);
    const last = page.records[page.records.length - 1];
    if (last?.SequenceNumber !== undefined) this.lastSequenceNumber = last.SequenceNumber;
    if (page.records.length > 0) this.options.onRecords(page.records, page);
    if (this.stopped) return;
    if (page.nextShardIterator === undefined) {
      this.stopped = true;
      this.options.onEnd(page.childShards ?? []);
      return;
    }
    this.iterator = page.nextShardIterator;
    const caughtUp = page.records.length === 0 && (page.millisBehindLatest ?? 0) === 0;
    this.later(caughtUp ? this.options.sleepTimeNoRecordsMs : this.untilNextCall());
  }

  /** Time left before the next call may be made (at most one fetch interval, see paceWait). */
  private untilNextCall(): number {
    const { fetchIntervalMs, scheduler } = this.options;
    const pace = paceWait(this.lastCallAt, fetchIntervalMs, scheduler.now());
    this.lastCallAt = pace.lastAt;
    return pace.waitMs;
  }

  private retry(operation: string, error: RxjsKinesisError): void {
    if (this.stopped) return;
    const { shardId } = this.options;
    if (!error.retriable) {
      this.stop();
      this.options.onError(error);
      return;
    }
    this.timeouts = error instanceof RequestTimeoutError ? this.timeouts + 1 : 0;
    const { onStalled } = this.options;
    if (onStalled !== undefined && this.timeouts >= (this.options.stallTimeouts ?? 3)) {
      this.stop();
      onStalled(error, this.timeouts);
      return;
    }
    if (error instanceof ThrottledError) {
      const delayMs = Math.max(this.throttleBackoff.next() ?? 0, this.options.fetchIntervalMs);
      this.options.onEvent({ type: 'throttled', shardId, delayMs });
      this.later(delayMs);
      return;
    }
    const attempt = this.backoff.attempts + 1;
    const delay = this.backoff.next();
    if (delay === undefined) {
      this.stop();
      this.options.onError(
        new RetryLimitExceededError(`${operation} on ${shardId} failed ${attempt} times: ${error.message}`, {
          attempts: attempt,
          cause: error,
          context: { streamName: this.options.streamName, shardId },
        }),
      );
      return;
    }
    this.options.onEvent({ type: 'error-retried', shardId, operation, error, attempt, delayMs: delay });
    this.later(delay);
  }
}
