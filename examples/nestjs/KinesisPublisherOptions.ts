import type { ProducerOptions } from '../../src/producer/ProducerOptions.js';
import type { KinesisMessage } from './KinesisMessage.js';

/** Injection token of the options KinesisPublisher builds its Producer from. */
export const KINESIS_PUBLISHER_OPTIONS = Symbol('KINESIS_PUBLISHER_OPTIONS');

/** Producer options for KinesisPublisher: stream, connection, batching, partition keys. */
export type KinesisPublisherOptions = ProducerOptions<KinesisMessage>;
