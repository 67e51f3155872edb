import type { ConsumerDeserializer } from '@nestjs/microservices';
import type { CheckpointOptions } from '../../src/operators/checkpoint.js';
import type { ConsumerOptions } from '../../src/consumer/ConsumerOptions.js';
import type { KinesisItem } from '../../src/consumer/KinesisItem.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';

/** An event that could not be handled, as given to `onDeadLetter`. */
export type DeadLetter =
  | {
      /** The handler threw, rejected or its Observable errored. */
      readonly reason: 'handler-failed';
      readonly pattern: string;
      readonly item: KinesisItem<unknown>;
      /**
       * What the handler's result errored with after Nest's exception filters: with the default
       * filter `{ status: 'error', message }` (throw an RpcException to choose what arrives here).
       */
      readonly error: unknown;
    }
  | {
      /** The record could not be decoded by the consumer's processor. */
      readonly reason: 'undecodable';
      readonly record: KinesisRecord;
      readonly error: unknown;
    };

/** Options of KinesisTransportStrategy. */
export interface KinesisTransportOptions {
  /** Passed to fromKinesis(): stream, connection, checkpointer, processor, polling. */
  readonly consumer: ConsumerOptions;
  /** Passed to checkpoint(): how often positions are written (default: the library's). */
  readonly checkpoint?: Pick<CheckpointOptions<KinesisItem<unknown>>, 'batchSize' | 'intervalMs'>;
  /**
   * Turns a decoded message into `{ pattern, data }`. Default: Nest's IncomingRequestDeserializer,
   * which reads the message's `pattern` and `data` fields.
   */
  readonly deserializer?: ConsumerDeserializer;
  /**
   * Called (and awaited) for an event whose handler failed or a record that cannot be decoded;
   * the event is then checkpointed like a handled one, so one bad event never stalls its shard.
   * Without it such events are only logged. If it throws, the consumer stops without
   * checkpointing the event (it is read again after a restart) and `on('error')` listeners are told.
   */
  readonly onDeadLetter?: (deadLetter: DeadLetter) => void | Promise<void>;
}
