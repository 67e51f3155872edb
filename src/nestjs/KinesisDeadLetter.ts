import type { KinesisItem, KinesisRecord } from '../index.js';

/** An event KinesisTransportStrategy could not handle, as given to `onDeadLetter`. */
export type KinesisDeadLetter =
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
      /** The handler did not finish within its timeout (a HandlerTimeoutError). */
      readonly reason: 'handler-timeout';
      readonly pattern: string;
      readonly item: KinesisItem<unknown>;
      readonly error: unknown;
    }
  | {
      /**
       * No `@EventPattern()` handler of this server matches the event's pattern (or the message
       * named none): nothing handled it. `error` is undefined.
       */
      readonly reason: 'no-handler';
      readonly pattern: string | undefined;
      readonly item: KinesisItem<unknown>;
      readonly error: undefined;
    }
  | {
      /** The record could not be decoded by the consumer's processor or the deserializer. */
      readonly reason: 'undecodable';
      readonly record: KinesisRecord;
      readonly error: unknown;
    };
