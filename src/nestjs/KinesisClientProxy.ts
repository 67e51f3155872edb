import { randomUUID } from 'node:crypto';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { Producer, type DeliveredReport, type ProducerOptions } from '../index.js';
import type { KinesisClientOptions } from './KinesisClientOptions.js';
import { NestUsageError } from './errors/NestUsageError.js';
import { KinesisEmitRecord } from './KinesisEmitRecord.js';
import { validateClientOptions } from './validateClientOptions.js';
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
 * `connect()`); `close()` (called by Nest on `app.close()`) flushes and closes it.
 */
export class KinesisClientProxy extends ClientProxy {
  private producer: Producer<KinesisMessage> | undefined;
  private readonly producerOptions: ProducerOptions<KinesisMessage>;
  /**
   * The partition key of the event being handed to the Producer: set around `producer.send()`,
   * which prepares its item (and asks for its key) before it returns.
   */
  private emitKey: string | undefined;

  constructor(options: KinesisClientOptions) {
    super();
    this.producerOptions = validateClientOptions(
      options,
      (message, index, fallback) =>
        this.emitKey ??
        (typeof fallback === 'function' ? fallback(message, index) : (fallback ?? randomUUID())),
    );
    this.initializeSerializer(options.serializer === undefined ? {} : { serializer: options.serializer });
  }

  async connect(): Promise<Producer<KinesisMessage>> {
    if (this.producer === undefined) {
      this.producer = new Producer<KinesisMessage>(this.producerOptions);
      this._status$.next('connected' satisfies KinesisClientStatus);
    }
    return this.producer;
  }

  /** Sends what is buffered, waits for it, and closes the Producer. */
  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer === undefined) return;
    await producer.close();
    this._status$.next('disconnected' satisfies KinesisClientStatus);
  }

  /** The Producer (after `connect()` or the first emit). */
  unwrap<T = Producer<KinesisMessage>>(): T {
    if (this.producer === undefined) {
      throw new NestUsageError(
        'KinesisClientProxy.unwrap()',
        'not connected: call connect() or emit() first',
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

  protected async dispatchEvent<T = DeliveredReport<KinesisMessage>>(packet: ReadPacket): Promise<T> {
    const producer = await this.connect();
    let data: unknown = packet.data;
    let partitionKey: string | undefined;
    if (data instanceof KinesisEmitRecord) {
      partitionKey = data.options.partitionKey;
      data = data.data;
    }
    const message = this.serializer.serialize({ pattern: packet.pattern, data }) as KinesisMessage;
    let sent: Promise<DeliveredReport<KinesisMessage>>;
    this.emitKey = partitionKey;
    try {
      sent = producer.send(message);
    } finally {
      this.emitKey = undefined;
    }
    return (await sent) as T;
  }
}
