import { Logger } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import {
  concatMap,
  EMPTY,
  filter,
  from,
  groupBy,
  ignoreElements,
  mergeMap,
  NEVER,
  of,
  queueScheduler,
  subscribeOn,
  takeUntil,
  tap,
  type MonoTypeOperatorFunction,
  type Observable,
  type Subscription,
} from 'rxjs';
import {
  AbortedError,
  fromKinesis,
  type ConsumerEvent,
  type KinesisConsumerObservable,
  type KinesisItem,
} from '../index.js';
import { NestUsageError } from './errors/NestUsageError.js';
import { EventDispatchServer, leaseGone } from './EventDispatchServer.js';
import { transportConsumerOptions, type KinesisTransportOptions } from './KinesisTransportOptions.js';
import { KINESIS_TRANSPORT } from './kinesisTransport.js';
import { validateTransportOptions } from './validateTransportOptions.js';
import { describeForLog } from './describeForLog.js';
import { endsWithin } from '../consumer/endsWithin.js';
import { logContext } from './logContext.js';
import { FinalWrites } from './FinalWrites.js';
import { HandlersUnderWay } from './HandlersUnderWay.js';
import { shardEvents, type ShardEvent } from './shardEvents.js';

/** What `strategy.on(event, callback)` can listen to. */
export type KinesisTransportEvents = {
  /** The consumer stopped on an error it could not retry (or the dead-letter callback threw). */
  error: (error: unknown) => void;
  /** Every lifecycle event of the consumer (shards, leases, checkpoints, retries). */
  'consumer-event': (event: ConsumerEvent) => void;
};

export type KinesisTransportStatus = 'connecting' | 'connected' | 'disconnected';

/**
 * A Nest microservice transport that reads a Kinesis stream with fromKinesis() and calls the
 * `@EventPattern()` handler named by each message's pattern (`{ pattern, data }` by default).
 *
 * Events of a shard are handled one at a time, in order (shards side by side); each handler is
 * awaited (Promise or Observable, within its timeout) and the event's position is checkpointed
 * only after it finished. The server's processing hooks (`setOnProcessingStartHook`/`EndHook`) wrap every
 * handler call. An event with no handler, and one whose handler fails or times out, is logged,
 * given to `onDeadLetter` (if any) and checkpointed, so it does not stall its shard. Several
 * `@EventPattern()` handlers of one pattern run side by side, each within its own timeout; the
 * event is done once all of them are. On close (`app.close()`) the handlers under way finish
 * (for at most `closeTimeoutMs`: those still running then are given up, their events left
 * unchecked), their positions are written, the leases are released (for at most
 * `finalWritesTimeoutMs`: close then ends, naming what is left; the consumer gives its stop up
 * a little later, see KinesisTransportOptions) and nothing after it is taken:
 * at-least-once delivery. After a shard's lease is lost, its events already read are
 * neither handled nor dead-lettered (nor checkpointed): the shard's next owner reads them again.
 */
export class KinesisTransportStrategy
  extends EventDispatchServer<KinesisTransportEvents, KinesisTransportStatus>
  implements CustomTransportStrategy
{
  override transportId: symbol = KINESIS_TRANSPORT;
  /** Its context names the stream: the transports of several streams log side by side. */
  protected override readonly logger: Logger;
  private readonly errorListeners = new Set<(error: unknown) => void>();
  private readonly eventListeners = new Set<(event: ConsumerEvent) => void>();
  private readonly options: KinesisTransportOptions;
  private readonly closeTimeoutMs: number;
  private readonly finalWritesTimeoutMs: number;
  private readonly checkpointEvents: MonoTypeOperatorFunction<KinesisItem<unknown>>;
  private consumer: KinesisConsumerObservable | undefined;
  private subscription: Subscription | undefined;
  private eventsSubscription: Subscription | undefined;
  /** What close() waits for: the handling under way in this run. */
  private underWay = new HandlersUnderWay();
  /** What close() names if its final writes overrun their deadline. */
  private finalWrites = new FinalWrites();
  private closing = false;
  /** Settles a listen() still waiting for the shards to be listed. */
  private pendingStart: ((error?: unknown) => void) | undefined;

  constructor(options: KinesisTransportOptions) {
    const resolved = validateTransportOptions(options);
    super({
      handlerTimeoutMs: resolved.handlerTimeoutMs,
      onDeadLetter: options.onDeadLetter,
      scheduler: options.scheduler,
    });
    this.logger = new Logger(logContext(KinesisTransportStrategy.name, options.consumer.streamName));
    this.options = options;
    ({
      checkpointEvents: this.checkpointEvents,
      closeTimeoutMs: this.closeTimeoutMs,
      finalWritesTimeoutMs: this.finalWritesTimeoutMs,
    } = resolved);
    this.initializeDeserializer(
      options.deserializer === undefined ? {} : { deserializer: options.deserializer },
    );
  }

  /**
   * Starts reading. Calls back once the stream's shards are listed (Nest's `app.listen()` then
   * resolves), or with the error when the consumer cannot start (bad options, missing stream).
   */
  listen(callback: (error?: unknown) => void): void {
    if (this.subscription !== undefined && !this.subscription.closed) {
      callback(new NestUsageError('KinesisTransportStrategy.listen()', 'already listening'));
      return;
    }
    this.eventsSubscription?.unsubscribe();
    let consumer: KinesisConsumerObservable;
    try {
      for (const [pattern, head] of this.messageHandlers)
        for (const handler of this.handlersOf(head)) this.timeoutOf(pattern, handler);
      consumer = fromKinesis(transportConsumerOptions(this.options.consumer, this.finalWritesTimeoutMs));
    } catch (error) {
      callback(error);
      return;
    }
    this.consumer = consumer;
    this.closing = false;
    this.underWay = new HandlersUnderWay();
    const finalWrites = new FinalWrites();
    this.finalWrites = finalWrites;
    this._status$.next('connecting');
    let started = false;
    const start = (error?: unknown): void => {
      if (started) return;
      started = true;
      this.pendingStart = undefined;
      callback(...(error === undefined ? [] : [error]));
    };
    this.pendingStart = start;
    this.eventsSubscription = consumer.events$.subscribe((event) => {
      finalWrites.observe(event);
      this.tell(this.eventListeners, event, 'consumer-event');
      if (event.type === 'shards-discovered' && !started) {
        this._status$.next('connected');
        start();
      }
    });
    this.subscription = consumer
      .pipe(
        // One event at a time per shard, in order (a record that cannot be decoded too); shards
        // side by side. A shard read to its end (resharding) has no more records: its group ends
        // there, so its decoding and queue go once its last events are done (not kept for ever).
        groupBy((record) => record.shardId, {
          duration: (shard) =>
            consumer.events$.pipe(
              filter((event) => event.type === 'shard-ended' && event.shardId === shard.key),
            ),
        }),
        mergeMap((shard) =>
          shardEvents(shard).pipe(
            concatMap((event) =>
              (event.kind === 'item' ? this.handle(event.item) : this.handleUndecodable(event)).pipe(
                // An event passed on at once (its lease gone) would let concatMap start the next
                // queued one from inside its completion, one stack level per event: a backlog of
                // some hundreds overflowed the stack. On the queue scheduler they run one by one.
                subscribeOn(queueScheduler),
              ),
            ),
          ),
        ),
        tap((item) => {
          if (!leaseGone(item)) finalWrites.done(item);
        }),
        this.checkpointEvents,
      )
      .subscribe({
        error: (error: unknown) => {
          this._status$.next('disconnected');
          if (!started) {
            start(error);
            return;
          }
          this.logger.error(`Kinesis consumer stopped: ${describeForLog(error)}`);
          this.tell(this.errorListeners, error, 'error');
        },
      });
  }

  /**
   * Lets the handlers under way finish (within `closeTimeoutMs`, then gives up those still
   * running), writes checkpoints, releases leases and stops reading (within
   * `finalWritesTimeoutMs`, then resolves with a warning naming what is left undone).
   */
  async close(): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    this.closing = true;
    // An app.listen() still waiting for the shards ends now instead of never.
    this.pendingStart?.(new AbortedError('KinesisTransportStrategy closed before the stream was listed'));
    const givenUp = await this.underWay.settle(this.closeTimeoutMs, this.scheduler);
    if (givenUp !== undefined) {
      this.logger.warn(
        `Closing: gave up ${givenUp.count} event(s) still being handled after closeTimeoutMs ` +
          `(${this.closeTimeoutMs} ms) on ${givenUp.shardIds.join(', ')}: not checkpointed, the ` +
          `shard's next owner reads them again`,
      );
    }
    // A finished item reaches checkpoint() in the same turn as its handling settles; let it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    if (!(await endsWithin(consumer.stopped(), this.finalWritesTimeoutMs, this.scheduler))) {
      this.logger.warn(
        `Closing: the final checkpoint writes and lease releases did not finish within ` +
          `finalWritesTimeoutMs (${this.finalWritesTimeoutMs} ms); ` +
          `${this.finalWrites.describe() ?? 'none known to be left'}. Closed without them: the ` +
          `shards' next owners read again from the last positions stored (events done since are ` +
          `read again); the consumer's stop goes on in the background`,
      );
    }
    this.eventsSubscription?.unsubscribe();
    this.eventsSubscription = undefined;
    this.consumer = undefined;
    this._status$.next('disconnected');
  }

  on<
    EventKey extends keyof KinesisTransportEvents = keyof KinesisTransportEvents,
    EventCallback extends KinesisTransportEvents[EventKey] = KinesisTransportEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    if (event === 'error') this.errorListeners.add(callback as KinesisTransportEvents['error']);
    else if (event === 'consumer-event')
      this.eventListeners.add(callback as KinesisTransportEvents['consumer-event']);
    else
      throw new NestUsageError(
        'KinesisTransportStrategy.on()',
        `unknown event "${String(event)}": expected "error" or "consumer-event"`,
      );
  }

  /**
   * Calls each listener of an event with `value`. A listener that throws is logged and the others
   * are still called: a bug in one never stops the transport nor escapes as an uncaught exception.
   */
  private tell<T>(listeners: ReadonlySet<(value: T) => void>, value: T, event: string): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        this.logger.error(`A strategy.on('${event}') listener threw: ${describeForLog(error)}`);
      }
    }
  }

  /** The running fromKinesis() Observable (with `.events$`, `.stats()`). */
  unwrap<T = KinesisConsumerObservable>(): T {
    if (this.consumer === undefined) {
      throw new NestUsageError('KinesisTransportStrategy.unwrap()', 'not listening: call app.listen() first');
    }
    return this.consumer as unknown as T;
  }

  private handle(item: KinesisItem<unknown>): Observable<KinesisItem<unknown>> {
    // While closing, nothing new starts; the item is not checkpointed and is read again later.
    if (this.closing) return NEVER;
    // This worker no longer holds the shard: its next owner reads the event again from the last
    // checkpoint. Not handled here; passed on to checkpoint(), which writes nothing for a reading
    // that lost its lease and gives the record's share of the in-flight budget back at once.
    if (leaseGone(item)) {
      this.skippedOnce(item.record);
      return of(item);
    }
    const underWay = this.underWay;
    // Given up by close(): the event never reaches checkpoint(), whatever its handling does later.
    return from(underWay.track(this.dispatch(item, underWay), item.shardId)).pipe(
      takeUntil(underWay.givenUp$),
    );
  }

  /**
   * Dead-letters a record that cannot be decoded, in its shard's turn; emits nothing (the record is
   * settled when `done()` is called). Tracked like a handler: close() waits for the dead-letter
   * callback too. While closing none starts, and after the lease is lost none runs: the record is
   * not checkpointed and is read again later.
   */
  private handleUndecodable(event: Extract<ShardEvent, { kind: 'undecodable' }>): Observable<never> {
    if (this.closing) return NEVER;
    const { record, error } = event;
    if (record.abortSignal?.aborted === true) {
      this.skippedOnce(record);
      event.done();
      return EMPTY;
    }
    const underWay = this.underWay;
    return from(
      underWay.track(this.deadLetter({ reason: 'undecodable', record, error }), record.shardId),
    ).pipe(
      tap(() => event.done()),
      ignoreElements(),
      takeUntil(underWay.givenUp$),
    );
  }
}
