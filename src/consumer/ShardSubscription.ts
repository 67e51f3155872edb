/**
 * Reads one shard with SubscribeToShard (enhanced fan-out): a ReadingSource. One subscription at
 * a time, each an *attempt* with its own AbortController; every async result (the call, each
 * event, each failure) checks that its attempt is still the current one, so a late answer of an
 * abandoned subscription is ignored. Every wait runs on the scheduler.
 *
 * | from        | event                                   | to          | action                                         |
 * | ----------- | --------------------------------------- | ----------- | ---------------------------------------------- |
 * | idle        | start()                                 | subscribing | SubscribeToShard at the start position          |
 * | subscribing | first event (the call resolves)         | streaming   | deliver it                                      |
 * | streaming   | event                                   | delivering  | emit its records as the budget allows           |
 * | delivering  | budget full                             | paused      | stop pulling events (HTTP/2 flow control)       |
 * | paused      | room                                    | delivering  |                                                 |
 * | paused      | no room for `silenceTimeoutMs`          | closed      | close it, drop the unemitted rest of the event  |
 * | closed      | room                                    | subscribing | from after the last emitted record              |
 * | delivering  | event emitted, shard not ended          | streaming   | pull the next event                             |
 * | delivering  | event emitted, last event of the shard  | ended       | onEnd(childShards)                              |
 * | streaming   | no event for `silenceTimeoutMs`         | waiting     | abort; SubscriptionSilentError as retriable     |
 * | streaming   | the subscription ends (5-minute life)   | waiting     | renew from the continuation point ('ended')     |
 * | subscribing | ResourceInUseException                  | waiting     | retry at the 1-per-second floor, uncounted      |
 * | streaming   | ResourceInUseException (taken over)     | failed      | onError(SubscriptionTakenOverError)             |
 * | any live    | throttled (LimitExceededException)      | waiting     | back off (uncounted)                            |
 * | any live    | other retriable error                   | waiting     | back off; retryLimit exhausted -> onError       |
 * | any live    | non-retriable error                     | failed      | onError(typed error)                            |
 * | waiting     | delay over (>= 1 s after call answered) | subscribing | from the continuation point                     |
 * | any         | stop()                                  | stopped     | abort the subscription; no callback after this  |
 *
 * A new subscription continues after the last emitted record or, once an event was wholly
 * emitted, after its ContinuationSequenceNumber; records at or before the last emitted one are
 * dropped, so a renewal never emits a record twice. Which failure rows apply (in use, throttled,
 * retriable, stalled, non-retriable) and how long to wait is SubscriptionRetryPolicy's decision.
 */
import type { ChildShard, _Record } from '@aws-sdk/client-kinesis';
import type { Subscription } from 'rxjs';
import { compareSequenceNumbers } from './compareSequenceNumbers.js';
import { SubscriptionSilentError } from './errors/SubscriptionSilentError.js';
import type { ReadingSource } from './ReadingSource.js';
import type { IteratorRequest, RecordsPage } from './ShardReader.js';
import type { SubscriptionEvent, SubscriptionEvents } from './ShardSubscriber.js';
import type { ShardSubscriptionOptions } from './ShardSubscriptionOptions.js';
import { SUBSCRIBE_INTERVAL_MS, SubscriptionRetryPolicy } from './SubscriptionRetryPolicy.js';

type Phase = 'idle' | 'subscribing' | 'streaming' | 'delivering' | 'paused' | 'closed' | 'waiting' | 'done';

/** What renewed a subscription, for the `subscription-renewed` event. */
export type RenewalReason = 'ended' | 'paused';

export class ShardSubscription implements ReadingSource {
  private phase: Phase = 'idle';
  /** The current attempt; bumped by every new subscription and by stop(). */
  private attempt = 0;
  private controller: AbortController | undefined;
  private events: SubscriptionEvents | undefined;
  /** Where the next subscription starts. */
  private position: IteratorRequest;
  private lastEmitted: string | undefined;
  private lastCallAt = Number.NEGATIVE_INFINITY;
  /** When the current call was answered: Kinesis counted it on arrival, between sending and this. */
  private lastAnswerAt = Number.NEGATIVE_INFINITY;
  /** Whether the current subscription delivered an event (it was open, not refused). */
  private streamed = false;
  private readonly startedAt: number;
  private timer: Subscription | undefined;
  private silence: Subscription | undefined;
  private cancelWait: (() => void) | undefined;
  /** The records of the current event not emitted yet, and the event. */
  private pending: _Record[] = [];
  private event: SubscriptionEvent | undefined;
  private readonly retries: SubscriptionRetryPolicy;

  constructor(private readonly options: ShardSubscriptionOptions) {
    this.position = options.start;
    this.startedAt = options.scheduler.now();
    const { streamName, shardId, backoff, onStalled } = options;
    this.retries = new SubscriptionRetryPolicy({
      streamName,
      shardId,
      backoff,
      ...(onStalled === undefined ? {} : { stallTimeouts: options.stallTimeouts ?? 3 }),
    });
  }

  /** idle, subscribing, streaming, delivering, paused, closed, waiting or done (for tests). */
  get state(): Phase {
    return this.phase;
  }

  start(): void {
    if (this.phase !== 'idle') return;
    this.subscribe();
  }

  stop(): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.closeSubscription();
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.cancelWait?.();
    this.cancelWait = undefined;
    this.pending = [];
    this.event = undefined;
  }

  // Subscribing (once the interval passed; a wall clock set back counts the last call as made now)
  private subscribe(): void {
    const { scheduler, subscriber, shardId } = this.options;
    const now = scheduler.now();
    [this.lastCallAt, this.lastAnswerAt] = [Math.min(this.lastCallAt, now), Math.min(this.lastAnswerAt, now)];
    const wait = Math.max(this.lastCallAt, this.lastAnswerAt) + SUBSCRIBE_INTERVAL_MS - now;
    if (wait > 0) {
      this.waitThen(wait, () => this.subscribe());
      return;
    }
    this.phase = 'subscribing';
    this.streamed = false;
    const attempt = ++this.attempt;
    const controller = new AbortController();
    this.controller = controller;
    this.lastCallAt = scheduler.now();
    this.armSilence(attempt);
    subscriber.subscribe(shardId, this.startPosition(), controller.signal).then(
      (events) => {
        if (attempt !== this.attempt) {
          void events.return?.().catch(() => undefined);
          return;
        }
        this.lastAnswerAt = scheduler.now();
        this.events = events;
        this.phase = 'streaming';
        this.onEvents(attempt);
      },
      (error: unknown) => {
        if (attempt !== this.attempt) return;
        this.lastAnswerAt = scheduler.now();
        this.failed(attempt, error);
      },
    );
  }

  /** LATEST again (after any call, whatever the clock says, even one that got events) could skip. */
  private startPosition(): IteratorRequest {
    const again = this.attempt > 1 || this.lastCallAt > this.startedAt;
    if (this.position.iteratorType === 'LATEST' && again)
      return { iteratorType: 'AT_TIMESTAMP', timestamp: new Date(this.startedAt) };
    return this.position;
  }

  // Streaming
  private onEvents(attempt: number): void {
    const events = this.events;
    if (events === undefined) return;
    this.phase = 'streaming';
    this.armSilence(attempt);
    events.next().then(
      (result) => {
        if (attempt !== this.attempt) return;
        if (result.done === true) this.renew(attempt, 'ended');
        else this.onEvent(attempt, result.value);
      },
      (error: unknown) => {
        if (attempt === this.attempt) this.failed(attempt, error);
      },
    );
  }

  private onEvent(attempt: number, event: SubscriptionEvent): void {
    this.disarmSilence();
    this.streamed = true;
    this.retries.reset();
    const page: RecordsPage = {
      records: event.records,
      ...(event.millisBehindLatest === undefined ? {} : { millisBehindLatest: event.millisBehindLatest }),
      ...(event.childShards === undefined ? {} : { childShards: event.childShards }),
    };
    this.options.onPage?.(page);
    if (attempt !== this.attempt) return;
    const last = this.lastEmitted;
    this.pending =
      last === undefined
        ? [...event.records]
        : event.records.filter(
            (record) =>
              record.SequenceNumber === undefined || compareSequenceNumbers(record.SequenceNumber, last) > 0,
          );
    this.event = event;
    this.deliver(attempt);
  }

  /** Emits the pending records as the in-flight budget allows, then pulls the next event. */
  private deliver(attempt: number): void {
    const { gate, fairShare } = this.options;
    const event = this.event;
    if (event === undefined) return;
    this.phase = 'delivering';
    while (this.pending.length > 0) {
      const granted = gate.reserve(Math.min(this.pending.length, Math.max(1, fairShare())));
      if (granted === 0) {
        this.pause(attempt);
        return;
      }
      const batch = this.pending.splice(0, granted);
      let bytes = 0;
      for (const record of batch) bytes += record.Data?.byteLength ?? 0;
      gate.settleReservation(granted, granted, bytes);
      const sequenceNumber = batch[batch.length - 1]?.SequenceNumber;
      if (sequenceNumber !== undefined) {
        this.lastEmitted = sequenceNumber;
        this.position = { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber };
      }
      this.options.onRecords(batch, {
        records: batch,
        ...(event.millisBehindLatest === undefined ? {} : { millisBehindLatest: event.millisBehindLatest }),
      });
      // stop() (e.g. a lease lost while emitting) makes the attempt stale.
      if (attempt !== this.attempt) return;
    }
    this.event = undefined;
    const children: readonly ChildShard[] = event.childShards ?? [];
    if (event.continuationSequenceNumber === undefined || children.length > 0) {
      this.stop();
      this.options.onEnd(children);
      return;
    }
    this.advanceTo(event.continuationSequenceNumber);
    this.onEvents(attempt);
  }

  /**
   * After a wholly emitted event the next subscription continues after its continuation point,
   * unless that is not past the current position: a start AT_SEQUENCE_NUMBER S whose record was
   * not delivered yet must not become AFTER S.
   */
  private advanceTo(continuation: string): void {
    const { position } = this;
    const at = position.iteratorType === 'AT_SEQUENCE_NUMBER' ? position.sequenceNumber : undefined;
    if (at !== undefined && compareSequenceNumbers(continuation, at) <= 0) return;
    if (this.lastEmitted !== undefined && compareSequenceNumbers(continuation, this.lastEmitted) < 0) return;
    this.position = { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: continuation };
  }

  /**
   * The budget is full: stop pulling (the server is held by HTTP/2 flow control). Still full
   * after `silenceTimeoutMs`: close the subscription and drop the rest of the event; a new one
   * starts after the last emitted record once there is room.
   */
  private pause(attempt: number): void {
    this.phase = 'paused';
    // Woken from inside a release (another reading settling records): continue on the scheduler.
    this.cancelWait = this.options.gate.whenRoom(() => {
      this.cancelWait = undefined;
      this.timer?.unsubscribe();
      this.timer = this.options.scheduler.schedule(() => {
        this.timer = undefined;
        if (attempt === this.attempt && this.phase === 'paused') this.deliver(attempt);
      });
    });
    this.timer = this.options.scheduler.schedule(() => {
      this.timer = undefined;
      if (attempt !== this.attempt || this.phase !== 'paused') return;
      this.cancelWait?.();
      this.closeSubscription();
      this.pending = [];
      this.event = undefined;
      this.phase = 'closed';
      this.cancelWait = this.options.gate.whenRoom(() => {
        this.cancelWait = undefined;
        if (this.phase !== 'closed') return;
        this.renewed('paused');
        this.waitThen(0, () => this.subscribe());
      });
    }, this.options.silenceTimeoutMs);
  }

  /** The subscription ended without a final event (its 5-minute life, a closed connection): renew it. */
  private renew(attempt: number, reason: RenewalReason): void {
    if (attempt !== this.attempt) return;
    this.closeSubscription();
    this.renewed(reason);
    this.subscribe();
  }

  private renewed(reason: RenewalReason): void {
    const { position, options } = this;
    const after = position.iteratorType === 'AFTER_SEQUENCE_NUMBER' ? position.sequenceNumber : undefined;
    const renewal = { type: 'subscription-renewed', shardId: options.shardId, reason } as const;
    options.onEvent({ ...renewal, ...(after === undefined ? {} : { afterSequenceNumber: after }) });
  }

  // Failures

  private failed(attempt: number, thrown: unknown): void {
    if (attempt !== this.attempt || this.phase === 'done') return;
    this.closeSubscription();
    const decision = this.retries.decide(thrown, this.streamed);
    if (decision.kind === 'retry') {
      this.options.onEvent(decision.event);
      this.waitThen(decision.delayMs, () => this.subscribe());
      return;
    }
    this.stop();
    if (decision.kind === 'stalled') this.options.onStalled?.(decision.error, decision.timeouts);
    else this.options.onError(decision.error);
  }

  // Timers and teardown

  private waitThen(delayMs: number, then: () => void): void {
    this.phase = 'waiting';
    this.timer?.unsubscribe();
    this.timer = this.options.scheduler.schedule(
      () => {
        this.timer = undefined;
        if (this.phase === 'waiting') then();
      },
      Math.max(0, delayMs),
    );
  }

  private armSilence(attempt: number): void {
    this.disarmSilence();
    const { scheduler, silenceTimeoutMs, streamName, shardId } = this.options;
    this.silence = scheduler.schedule(() => {
      this.silence = undefined;
      if (attempt !== this.attempt) return;
      this.failed(
        attempt,
        new SubscriptionSilentError(streamName, shardId, silenceTimeoutMs, this.lastEmitted),
      );
    }, silenceTimeoutMs);
  }

  private disarmSilence(): void {
    this.silence?.unsubscribe();
    this.silence = undefined;
  }

  /** Aborts the current subscription (if any) and makes every result of it stale. */
  private closeSubscription(): void {
    this.attempt += 1;
    this.disarmSilence();
    this.controller?.abort();
    this.controller = undefined;
    const events = this.events;
    this.events = undefined;
    if (events?.return !== undefined) events.return().catch(() => undefined);
  }
}
