import { randomUUID } from 'node:crypto';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import {
  asyncScheduler,
  from,
  throwError,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { Logger } from '@nestjs/common';
import {
  Producer,
  ProducerAbortedError,
  ProducerClosedError,
  ProducerCloseTimeoutError,
  type DeliveredReport,
  type ProducerOptions,
} from '../index.js';
import { EmitKeys, type EmitKey } from './EmitKeys.js';
import type { KinesisClientOptions } from './KinesisClientOptions.js';
import { NestUsageError } from './errors/NestUsageError.js';
import { KinesisEmitRecord } from './KinesisEmitRecord.js';
import { validateClientOptions } from './validateClientOptions.js';
import { logContext } from './logContext.js';
import type { KinesisMessage } from './KinesisMessage.js';

export type KinesisClientStatus = 'connected' | 'disconnected';

/**
 * A Nest client that writes events to Kinesis with a Producer (batched, rate-limited, retried):
 * `client.emit(pattern, data)` writes `{ pattern, data }` (what KinesisTransportStrategy reads)
 * and its Observable emits the delivery report (shard, sequence number) once Kinesis stored the
 * event, or errors if it could not be delivered. Kinesis has no replies, so `send()` fails.
 *
 * Register it with `ClientsModule.register([{ name, customClass: KinesisClientProxy, options }])`
 * or create it with `new KinesisClientProxy(options)`. The Producer starts at the first emit (or
 * `connect()`). `close()` (called by Nest on `app.close()`) is final: the events emitted before
 * it are delivered (or fail) and reported before it resolves; an emit() (or connect()) from the
 * moment it is called fails with ProducerClosedError and writes nothing.
 */
export class KinesisClientProxy extends ClientProxy {
  private producer: Producer<KinesisMessage> | undefined;
  private readonly producerOptions: ProducerOptions<KinesisMessage>;
  /** How long close() keeps delivering (the client's `closeTimeoutMs`). */
  private readonly closeTimeoutMs: number;
  /** Its context names the stream: the clients of several streams log side by side. */
  private readonly closeLogger: Logger;
  /** The keys of the events handed to the Producer and not yet keyed by it. */
  private readonly keys = new EmitKeys();
  /** The events handed to the Producer and not yet reported: close() waits for them. */
  private readonly sending = new Set<Promise<unknown>>();
  /**
   * Events emitted whose async serializer has not given their message yet, each with its packet
   * and what fails its emit() if close() gives it up (its serializer still pending at closeTimeoutMs).
   */
  private readonly serializing = new Map<
    Promise<unknown>,
    { readonly packet: ReadPacket; readonly giveUp: (error: unknown) => void }
  >();
  /** Set by close(): the client is closed for good. */
  private closing: Promise<void> | undefined;

  constructor(options: KinesisClientOptions) {
    super();
    ({ producerOptions: this.producerOptions, closeTimeoutMs: this.closeTimeoutMs } = validateClientOptions(
      options,
      {
        partitionKey: (message, index, fallback) => {
          const key = this.keys.take(message)?.partitionKey;
          if (key !== undefined) return key;
          return typeof fallback === 'function' ? fallback(message, index) : (fallback ?? randomUUID());
        },
        explicitHashKey: (message, index, fallback) =>
          this.keys.taken(message)?.explicitHashKey ?? fallback?.(message, index),
      },
    ));
    this.closeLogger = new Logger(logContext(KinesisClientProxy.name, this.producerOptions.streamName));
    this.initializeSerializer(options.serializer === undefined ? {} : { serializer: options.serializer });
  }

  /** Starts the Producer (emit() does it too). Rejects with ProducerClosedError once close() was called. */
  connect(): Promise<Producer<KinesisMessage>> {
    try {
      return Promise.resolve(this.open());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Refuses new events, sends what is buffered, waits until every event emitted before it is
   * delivered or failed (and reported to its emit()), within `closeTimeoutMs` (then the rest
   * fail, and a warning says how many), and closes the Producer. A second call returns the same
   * promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** The Producer (after `connect()` or the first emit). */
  unwrap<T = Producer<KinesisMessage>>(): T {
    if (this.producer === undefined) {
      throw new NestUsageError(
        'KinesisClientProxy.unwrap()',
        this.closing === undefined ? 'not connected: call connect() or emit() first' : 'the client is closed',
      );
    }
    return this.producer as unknown as T;
  }

  override on(): void {
    throw new NestUsageError(
      'KinesisClientProxy.on()',
      'the client has no events: watch unwrap().reports$ or metrics$ instead',
    );
  }

  /**
   * Hands the event to the Producer at once (so a close() called right after waits for it) and
   * returns its delivery report: an Observable that emits the report to every subscriber, early
   * or late, and errors if the event fails (ProducerClosedError once close() was called).
   */
  override emit<TResult = DeliveredReport<KinesisMessage>, TInput = unknown>(
    pattern: unknown,
    data: TInput,
  ): Observable<TResult> {
    // A null or undefined pattern or data (a KinesisEmitRecord's too): Nest's own
    // InvalidMessageException, nothing opened.
    const body: unknown = data instanceof KinesisEmitRecord ? data.data : data;
    if (pattern === null || pattern === undefined || body === null || body === undefined)
      return super.emit<TResult, unknown>(pattern, body);
    const sent = this.dispatchEvent<TResult>({ pattern, data });
    // Like Nest's emit(), the event is written whether or not anyone subscribes: a failure
    // nobody listens to is no unhandled rejection.
    sent.catch(() => undefined);
    return from(sent);
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({
      err: new NestUsageError(
        'KinesisClientProxy.send()',
        'only emit() is supported: Kinesis has no replies to send',
      ),
      isDisposed: true,
    });
    return () => undefined;
  }

  /**
   * send() fails at once, without starting a Producer it would never use: with Nest's own
   * InvalidMessageException for a null or undefined pattern or data (a KinesisEmitRecord's too),
   * as emit() does, else with NestUsageError.
   */
  override send<TResult = never, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    const body: unknown = data instanceof KinesisEmitRecord ? data.data : data;
    if (pattern === null || pattern === undefined || body === null || body === undefined)
      return super.send<TResult, unknown>(pattern, body);
    return throwError(
      () =>
        new NestUsageError(
          'KinesisClientProxy.send()',
          'only emit() is supported: Kinesis has no replies to send',
        ),
    );
  }

  protected dispatchEvent<T = DeliveredReport<KinesisMessage>>(packet: ReadPacket): Promise<T> {
    let producer: Producer<KinesisMessage>;
    let serialized: unknown;
    let keys: EmitKey = { partitionKey: undefined, explicitHashKey: undefined };
    try {
      producer = this.open();
      let data: unknown = packet.data;
      if (data instanceof KinesisEmitRecord) {
        keys = { partitionKey: data.options.partitionKey, explicitHashKey: data.options.explicitHashKey };
        data = data.data;
      }
      serialized = this.serializer.serialize({ pattern: packet.pattern, data });
    } catch (error) {
      return Promise.reject(error);
    }
    if (!isPromiseLike(serialized))
      return this.sendTo(producer, serialized as KinesisMessage, keys) as Promise<T>;
    // An async serializer (Nest's Kafka client awaits one too): the event is emitted now, so
    // close() waits for its message and hands it to the Producer before closing it.
    let giveUp: (error: unknown) => void = () => undefined;
    const givenUp = new Promise<never>((_resolve, reject) => (giveUp = reject));
    const handed = Promise.race([Promise.resolve(serialized), givenUp]).then((message) => ({
      sent: this.sendTo(producer, message as KinesisMessage, keys),
    }));
    this.serializing.set(handed, { packet, giveUp });
    const settled = (): void => void this.serializing.delete(handed);
    handed.then(settled, settled);
    return handed.then(({ sent }) => sent) as Promise<T>;
  }

  /** Hands a message to the Producer with its own keys; close() waits for its report. */
  private sendTo(
    producer: Producer<KinesisMessage>,
    message: KinesisMessage,
    keys: EmitKey,
  ): Promise<DeliveredReport<KinesisMessage>> {
    const key = this.keys.add(message, keys);
    const sent = producer.send(message);
    this.sending.add(sent);
    const settled = (): void => {
      this.sending.delete(sent);
      this.keys.forget(message, key);
    };
    sent.then(settled, settled);
    return sent;
  }

  /** The producer's scheduler: close()'s deadline runs on it, as the Producer's own does. */
  private get scheduler(): SchedulerLike {
    return this.producerOptions.scheduler ?? asyncScheduler;
  }

  /** The Producer, started at the first call; ProducerClosedError once close() was called. */
  private open(): Producer<KinesisMessage> {
    if (this.closing !== undefined)
      throw new ProducerClosedError({ streamName: this.producerOptions.streamName });
    if (this.producer === undefined) {
      this.producer = new Producer<KinesisMessage>(this.producerOptions);
      this._status$.next('connected' satisfies KinesisClientStatus);
    }
    return this.producer;
  }

  /**
   * Waits for the async serializers of the events emitted before close() until `deadline`
   * (Infinity: as long as they take); then fails the emit() of each one still pending with
   * ProducerAbortedError (its message never reached the Producer). Resolves with how many.
   */
  private async awaitSerializers(deadline: number): Promise<number> {
    while (this.serializing.size > 0) {
      const left = deadline - this.scheduler.now();
      if (left <= 0) break;
      if (left === Infinity) await Promise.allSettled([...this.serializing.keys()]);
      else await settledWithin([...this.serializing.keys()], left, this.scheduler);
    }
    const late = [...this.serializing.values()];
    this.serializing.clear();
    late.forEach(({ packet, giveUp }, index) =>
      giveUp(
        new ProducerAbortedError([{ item: packet, index }], false, {
          streamName: this.producerOptions.streamName,
        }),
      ),
    );
    return late.length;
  }

  private async shutDown(): Promise<void> {
    const producer = this.producer;
    if (producer === undefined) return;
    const deadline = this.scheduler.now() + this.closeTimeoutMs;
    try {
      // Messages of an async serializer still to come were emitted before close(): sent first,
      // within the same closeTimeoutMs.
      const late = await this.awaitSerializers(deadline);
      if (late > 0) {
        this.closeLogger.warn(
          `Closing: ${late} event(s) whose serializer had not given their message after ` +
            `closeTimeoutMs (${this.closeTimeoutMs} ms) were given up: their emit() errored`,
        );
      }
      await producer.close({ timeoutMs: Math.max(0, deadline - this.scheduler.now()) });
    } catch (error) {
      // Delivery ran past closeTimeoutMs: the events not delivered failed, each emit() was told.
      if (!(error instanceof ProducerCloseTimeoutError)) throw error;
      this.closeLogger.warn(
        `Closing: events still undelivered after closeTimeoutMs (${this.closeTimeoutMs} ms) were ` +
          `given up (${error.failed} failed, ${error.deliveryUnknown} of them with delivery unknown): ` +
          `their emit() errored`,
      );
    } finally {
      // Every event was reported when the Producer closed; its emit() hears of it now too.
      await Promise.allSettled([...this.sending]);
      this.producer = undefined;
      this._status$.next('disconnected' satisfies KinesisClientStatus);
    }
  }
}

/**
 * Resolves once `work` settled or `ms` passed on `scheduler`, whichever comes first (no timer left
 * behind).
 */
async function settledWithin(
  work: readonly Promise<unknown>[],
  ms: number,
  scheduler: SchedulerLike,
): Promise<void> {
  let timer: Subscription | undefined;
  try {
    await Promise.race([
      Promise.allSettled(work),
      new Promise<void>((resolve) => (timer = scheduler.schedule(resolve, ms))),
    ]);
  } finally {
    timer?.unsubscribe();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
