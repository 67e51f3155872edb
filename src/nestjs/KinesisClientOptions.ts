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
  readonly serializer?: Serializer | undefined;
  /**
   * How long `close()` (called by Nest on `app.close()`) keeps delivering the events emitted
   * before it, in ms (default 5000; `Infinity`: as long as delivery takes, as a stream
   * throttling without end or an endpoint that never answers may make it). At the deadline the
   * Producer is aborted (`Producer.close({ timeoutMs })`): the events not delivered fail (their
   * emit() errors with ProducerAbortedError, `deliveryUnknown` where their call got no answer; an
   * event whose async serializer has not given its message yet fails so too) and close() resolves
   * with a warning naming how many, so that shutting down fits a grace period.
   */
  readonly closeTimeoutMs?: number | undefined;
}

/**
 * Default of the client's `closeTimeoutMs`: 5 s, so that with the transport's defaults
 * (`closeTimeoutMs` 20 s, `finalWritesTimeoutMs` 5 s) `app.close()` ends within the 30 s a
 * SIGTERM commonly gets, even when every phase runs to its deadline.
 */
export const DEFAULT_CLIENT_CLOSE_TIMEOUT_MS = 5_000;
