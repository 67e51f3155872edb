import type { Serializer } from '@nestjs/microservices';
import type { ProducerOptions } from '../index.js';
import type { KinesisMessage } from './KinesisMessage.js';

/**
 * Options of KinesisClientProxy: the Producer's (stream, connection, batching, processor;
 * `partitionKey` and `explicitHashKey` for the events emitted without their own in a
 * KinesisEmitRecord) and Nest's serializer of `{ pattern, data }` packets.
 */
export interface KinesisClientOptions extends ProducerOptions<KinesisMessage> {
  /**
   * Turns `{ pattern, data }` into the message written (default: written as it is). It may return
   * a Promise of the message (an async serializer): the event is written once it resolves.
   */
  readonly serializer?: Serializer;
}
