import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Producer } from '../../src/producer/Producer.js';
import type { DeliveredReport } from '../../src/producer/DeliveryReport.js';
import type { KinesisMessage } from './KinesisMessage.js';
import { KINESIS_PUBLISHER_OPTIONS, type KinesisPublisherOptions } from './KinesisPublisherOptions.js';

export interface EmitOptions {
  /** Partition key of this event (events of one key stay in order on one shard). */
  readonly partitionKey?: string;
}

/**
 * Publishes events as `{ pattern, data }` JSON records with a Producer (batched, rate-limited,
 * retried). `emit()` resolves once Kinesis stored the event. The producer is flushed and closed
 * when the module is destroyed (`app.close()`).
 */
@Injectable()
export class KinesisPublisher implements OnModuleDestroy {
  private readonly producer: Producer<KinesisMessage>;
  private readonly keys = new WeakMap<KinesisMessage, string>();

  constructor(@Inject(KINESIS_PUBLISHER_OPTIONS) options: KinesisPublisherOptions) {
    const fallback = options.partitionKey;
    this.producer = new Producer<KinesisMessage>({
      ...options,
      partitionKey: (message, index) =>
        this.keys.get(message) ??
        (typeof fallback === 'function' ? fallback(message, index) : (fallback ?? randomUUID())),
    });
  }

  /** Writes one event; resolves with its delivery report (shard, sequence number), rejects if it fails. */
  emit<T>(pattern: string, data: T, options: EmitOptions = {}): Promise<DeliveredReport<KinesisMessage<T>>> {
    const message: KinesisMessage<T> = { pattern, data };
    if (options.partitionKey !== undefined) this.keys.set(message, options.partitionKey);
    return this.producer.send(message) as Promise<DeliveredReport<KinesisMessage<T>>>;
  }

  /** Sends whatever is buffered and waits for it. */
  flush(): Promise<void> {
    return this.producer.flush();
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer.close();
  }
}
