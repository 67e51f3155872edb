import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { concatMap, from, lastValueFrom, NEVER, type Observable, type Subscription } from 'rxjs';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisItem } from '../../src/consumer/KinesisItem.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { deserialize } from '../../src/operators/deserialize.js';
import { KinesisContext } from './KinesisContext.js';
import type { DeadLetter, KinesisTransportOptions } from './KinesisTransportOptions.js';

/** Transport id of KinesisTransportStrategy (for `@EventPattern(pattern, KINESIS_TRANSPORT)`). */
export const KINESIS_TRANSPORT = Symbol('KINESIS_TRANSPORT');

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
 * Events of a shard are handled one at a time, in order; each handler is awaited (promise or
 * Observable) and the event's position is checkpointed only after it finished. An event with no
 * handler is logged and checkpointed. A failing handler is logged, given to `onDeadLetter` (if
 * any) and checkpointed, so it does not stall its shard. On close() the handler under way
 * finishes, its position is written, and nothing after it is taken: at-least-once delivery.
 */
export class KinesisTransportStrategy
  extends Server<KinesisTransportEvents, KinesisTransportStatus>
  implements CustomTransportStrategy
{
  override transportId: symbol = KINESIS_TRANSPORT;
  protected override readonly logger = new Logger(KinesisTransportStrategy.name);
  private readonly errorListeners = new Set<(error: unknown) => void>();
  private readonly eventListeners = new Set<(event: ConsumerEvent) => void>();
  private consumer: KinesisConsumerObservable | undefined;
  private subscription: Subscription | undefined;
  private eventsSubscription: Subscription | undefined;
  private handling: Promise<unknown> | undefined;
  private closing = false;

  constructor(private readonly options: KinesisTransportOptions) {
    super();
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
      callback(new Error('KinesisTransportStrategy is already listening'));
      return;
    }
    this.eventsSubscription?.unsubscribe();
    let consumer: KinesisConsumerObservable;
    try {
      consumer = fromKinesis(this.options.consumer);
    } catch (error) {
      callback(error);
      return;
    }
    this.consumer = consumer;
    this.closing = false;
    this._status$.next('connecting');
    let started = false;
    const start = (error?: unknown): void => {
      if (started) return;
      started = true;
      callback(...(error === undefined ? [] : [error]));
    };
    this.eventsSubscription = consumer.events$.subscribe((event) => {
      for (const listener of this.eventListeners) listener(event);
      if (event.type === 'shards-discovered' && !started) {
        this._status$.next('connected');
        start();
      }
    });
    this.subscription = consumer
      .pipe(
        deserialize({
          onDecodeError: (error, record) => this.deadLetter({ reason: 'undecodable', record, error }),
        }),
        concatMap((item) => this.handle(item)),
        checkpoint<KinesisItem<unknown>>(this.options.checkpoint ?? {}),
      )
      .subscribe({
        error: (error: unknown) => {
          this._status$.next('disconnected');
          if (!started) {
            start(error);
            return;
          }
          this.logger.error(`Kinesis consumer stopped: ${describe(error)}`);
          for (const listener of this.errorListeners) listener(error);
        },
      });
  }

  /** Lets the handler under way finish, writes checkpoints, releases leases and stops reading. */
  async close(): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    this.closing = true;
    await this.handling?.catch(() => undefined);
    // The finished item reaches checkpoint() in the same turn as `handling` settles; let it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    await consumer.stopped();
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
    else throw new Error(`Unknown event "${String(event)}": expected "error" or "consumer-event"`);
  }

  /** The running fromKinesis() Observable (with `.events$`, `.stats()`). */
  unwrap<T = KinesisConsumerObservable>(): T {
    if (this.consumer === undefined) {
      throw new Error('KinesisTransportStrategy is not listening: call app.listen() first');
    }
    return this.consumer as unknown as T;
  }

  private handle(item: KinesisItem<unknown>): Observable<KinesisItem<unknown>> {
    // While closing, nothing new starts; the item is not checkpointed and is read again later.
    if (this.closing) return NEVER;
    const handling = this.dispatch(item);
    this.handling = handling;
    return from(handling);
  }

  private async dispatch(item: KinesisItem<unknown>): Promise<KinesisItem<unknown>> {
    const where = `${item.shardId} @ ${item.sequenceNumber}`;
    let pattern: string | undefined;
    let data: unknown;
    try {
      const packet = await this.deserializer.deserialize(item.data);
      pattern = packet.pattern === undefined ? undefined : this.getPatternAsString(packet.pattern);
      data = packet.data;
    } catch (error) {
      await this.deadLetter({ reason: 'undecodable', record: item.record, error });
      return item;
    }
    const handler = pattern === undefined ? null : this.getHandlerByPattern(pattern);
    if (pattern === undefined || handler === null) {
      this.logger.warn(`No event handler for pattern ${pattern ?? '(none)'} (${where}): skipped`);
      return item;
    }
    try {
      const result = this.transformToObservable(handler(data, new KinesisContext([item, pattern])));
      await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      await this.deadLetter({ reason: 'handler-failed', pattern, item, error });
    }
    return item;
  }

  private async deadLetter(deadLetter: DeadLetter): Promise<void> {
    const what =
      deadLetter.reason === 'handler-failed'
        ? `Handler for ${deadLetter.pattern} failed on ${deadLetter.item.shardId} @ ${deadLetter.item.sequenceNumber}`
        : `Undecodable record ${deadLetter.record.shardId} @ ${deadLetter.record.sequenceNumber}`;
    this.logger.error(`${what}: ${describe(deadLetter.error)}`);
    await this.options.onDeadLetter?.(deadLetter);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
