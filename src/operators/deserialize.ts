import { asapScheduler, asyncScheduler, Observable, type OperatorFunction } from 'rxjs';
import { currentCheckpointSink } from '../consumer/checkpointBinding.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { KinesisItem } from '../consumer/KinesisItem.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../consumer/KinesisRecord.js';
import { RECORD_HANDLE } from '../consumer/RecordTracking.js';
import { NotAKinesisRecordError } from '../consumer/errors/NotAKinesisRecordError.js';
import { RecordDecodeError } from '../processors/errors/RecordDecodeError.js';
import { jsonProcessor } from '../processors/namedProcessors.js';
import type { Processor } from '../processors/Processor.js';
import { decodeFailure } from './decodeItem.js';
import { decodeRecord, itemOf, subSequenceOf, type Decoded } from './decodeRecord.js';
import { checkDeserializeOptionNames } from './deserializeOptionNames.js';
import { checkDeserializeScheduler, type DeserializeOptions } from './DeserializeOptions.js';

export type { DeserializeOptions } from './DeserializeOptions.js';

/** Most bad items of a large record dead-lettered in one turn of the event loop. */
const DEAD_LETTERS_PER_TURN = 500;

/**
 * Turns each consumed record into its items, in order, each with its record's position (shard,
 * sequence number, sub-sequence number, sub-record count) for checkpoint(). Items a resumed
 * consumer already checkpointed (subSequenceNumber <= record.resumeAfterSubSequenceNumber)
 * are skipped. Without a processor it uses the one given to fromKinesis(), else jsonProcessor().
 */
export function deserialize<T = unknown>(
  processor?: Processor<T>,
  options?: DeserializeOptions,
): OperatorFunction<KinesisRecord, KinesisItem<T>>;
export function deserialize<T = unknown>(
  options: DeserializeOptions,
): OperatorFunction<KinesisRecord, KinesisItem<T>>;
export function deserialize<T = unknown>(
  processorOrOptions?: Processor<T> | DeserializeOptions,
  maybeOptions?: DeserializeOptions,
): OperatorFunction<KinesisRecord, KinesisItem<T>> {
  const [processor, options] = isProcessor<T>(processorOrOptions)
    ? [processorOrOptions, maybeOptions ?? {}]
    : [undefined, processorOrOptions ?? maybeOptions ?? {}];
  if (processorOrOptions !== undefined && processor === undefined && typeof processorOrOptions !== 'object') {
    throw new InvalidOptionError(
      'processor',
      processorOrOptions,
      'pass a Processor (e.g. jsonProcessor()) or an options object',
    );
  }
  if (processor !== undefined && !canDecode(processor)) {
    throw new InvalidOptionError(
      'processor',
      processor,
      'expected a Processor whose serializer has deserialize() and whose aggregator has deaggregate()',
    );
  }
  checkDeserializeOptionNames(options);
  const { onDecodeError, scheduler } = options;
  checkDeserializeScheduler(scheduler);
  const maxItemsAhead = options.maxItemsAhead ?? 1000;
  if (!Number.isInteger(maxItemsAhead) || maxItemsAhead < 1)
    throw new InvalidOptionError('maxItemsAhead', maxItemsAhead, 'expected an integer >= 1');
  if (onDecodeError !== undefined && typeof onDecodeError !== 'function') {
    throw new InvalidOptionError(
      'onDecodeError',
      onDecodeError,
      'onDecodeError must be a function (error, record) => void | Promise<void>',
    );
  }
  let fallback: Processor<unknown> | undefined;
  const processorFor = (record: KinesisRecord): Processor<T> => {
    if (processor !== undefined) return processor;
    const fromConsumer = record[CONSUMER_CONTEXT]?.processor;
    if (fromConsumer !== undefined) return fromConsumer as Processor<T>;
    fallback ??= jsonProcessor();
    return fallback as Processor<T>;
  };

  return (source) =>
    new Observable<KinesisItem<T>>((subscriber) => {
      const queue: KinesisRecord[] = [];
      let waiting = false;
      let sourceDone = false;

      let cancelWait: (() => void) | undefined;
      // Subscribed in a checkpoint()'s subscribe: the items go on to it (a per-record inner
      // pipeline, subscribed as records arrive, is not). The record is marked as split, so a
      // checkpoint() that gets it whole before its items passed refuses it.
      const towardCheckpoint = currentCheckpointSink() !== undefined;

      // A record that yields no item (dead-lettered, empty, or already done before a resume) never
      // reaches checkpoint(): it is done for this subscriber's pipeline only, or it would hold back
      // the shard's checkpoint and, at the end of a shard, its SHARD_END.
      const settle = (record: KinesisRecord): void => {
        const handle = record[RECORD_HANDLE];
        handle?.reading.skipped(handle.ledger, record.sequenceNumber, undefined, 1, undefined);
      };

      /**
       * Emits the items of a decoded record from `from` on; pauses while too many are ahead of
       * checkpoint(), and after DEAD_LETTERS_PER_TURN items dead-lettered without a pause.
       */
      const emitItems = (record: KinesisRecord, decoded: Decoded<T>, from: number): void => {
        const handle = record[RECORD_HANDLE];
        let deadLettered = 0;
        for (let i = from; i < decoded.count; i += 1) {
          if (subscriber.closed) return;
          if (handle !== undefined && i - decoded.first >= maxItemsAhead) {
            const done = handle.reading.itemsDone(handle.ledger, record.sequenceNumber);
            if (subSequenceOf(decoded, i) - done >= maxItemsAhead) {
              waiting = true;
              const resume = (): void => {
                cancelWait = undefined;
                waiting = false;
                emitItems(record, decoded, i);
                drain();
              };
              // A settlement happens inside a later stage's emission (a bufferTime() batch going
              // into checkpoint()): go on once that returned, or items fed back into the stage
              // mid-emission can be lost there (bufferTime() has no open buffer at that moment).
              cancelWait = handle.reading.whenSettled(() => {
                const action = asapScheduler.schedule(resume);
                cancelWait = () => action.unsubscribe();
              });
              return;
            }
          }
          let item: KinesisItem<T>;
          try {
            item = itemOf(decoded, i);
          } catch (error) {
            // Only a large record's items are decoded one by one as they go out (a small record
            // is decoded whole first): the item that failed is dead-lettered alone.
            const subSequenceNumber = subSequenceOf(decoded, i);
            const failure =
              error instanceof RecordDecodeError
                ? error
                : decodeFailure(decoded.processor, record, error, subSequenceNumber, decoded.hint);
            if (!deadLetterItem(record, subSequenceNumber, failure, decoded, i)) return;
            deadLettered += 1;
            // Bad items never wait for checkpoint(): 500,000 of a record held the event loop (and
            // lease renewals) for 20 s. Other work gets a turn between runs of them.
            if (deadLettered >= DEAD_LETTERS_PER_TURN && i + 1 < decoded.count) {
              waiting = true;
              const turns = scheduler ?? record[CONSUMER_CONTEXT]?.scheduler ?? asyncScheduler;
              const action = turns.schedule(() => {
                cancelWait = undefined;
                waiting = false;
                emitItems(record, decoded, i + 1);
                drain();
              });
              cancelWait = () => action.unsubscribe();
              return;
            }
            continue;
          }
          subscriber.next(item);
        }
      };

      /**
       * Hands an item that cannot be decoded to onDecodeError and settles that item alone.
       * Returns true when emission can go on at once; false when the stream errored or waits
       * for the hook's promise (emission then resumes after the item).
       */
      const deadLetterItem = (
        record: KinesisRecord,
        subSequenceNumber: number,
        decodeError: RecordDecodeError,
        decoded: Decoded<T>,
        index: number,
      ): boolean => {
        if (onDecodeError === undefined) {
          subscriber.error(decodeError);
          return false;
        }
        let result: void | Promise<void>;
        try {
          result = onDecodeError(decodeError, record);
        } catch (handlerError) {
          subscriber.error(handlerError);
          return false;
        }
        const settleItem = (): void => {
          const handle = record[RECORD_HANDLE];
          handle?.reading.skipped(
            handle.ledger,
            record.sequenceNumber,
            subSequenceNumber,
            decoded.count,
            record.resumeAfterSubSequenceNumber,
          );
        };
        if (!isPromiseLike(result)) {
          settleItem();
          return true;
        }
        waiting = true;
        result.then(
          () => {
            if (subscriber.closed) return;
            settleItem();
            waiting = false;
            emitItems(record, decoded, index + 1);
            drain();
          },
          (handlerError: unknown) => subscriber.error(handlerError),
        );
        return false;
      };

      const handle = (record: KinesisRecord): void => {
        let decoded: Decoded<T>;
        try {
          decoded = decodeRecord(processorFor(record), record);
        } catch (error) {
          // A failure outside the processor calls decodeRecord() wraps (a lazy aggregation's
          // texts) is still the record's: the hook gets a RecordDecodeError naming it. For a
          // value that is no record (reading it throws) this throws, and the stream errors.
          const decodeError =
            error instanceof RecordDecodeError ? error : decodeFailure(processorFor(record), record, error);
          if (onDecodeError === undefined) {
            subscriber.error(decodeError);
            return;
          }
          let result: void | Promise<void>;
          try {
            result = onDecodeError(decodeError, record);
          } catch (handlerError) {
            subscriber.error(handlerError);
            return;
          }
          if (isPromiseLike(result)) {
            waiting = true;
            result.then(
              () => {
                if (subscriber.closed) return;
                waiting = false;
                settle(record);
                drain();
              },
              (handlerError: unknown) => subscriber.error(handlerError),
            );
          } else {
            settle(record);
          }
          return;
        }
        if (decoded.count === decoded.first) {
          settle(record);
          return;
        }
        const tracking = record[RECORD_HANDLE];
        if (tracking !== undefined) {
          tracking.reading.itemsDecoded(record.sequenceNumber, decoded.count);
          if (towardCheckpoint && decoded.count > 1)
            tracking.splitInto = Math.max(tracking.splitInto ?? 0, decoded.count);
        }
        emitItems(record, decoded, decoded.first);
      };

      /** handle(), erroring the stream instead of throwing for a value that throws when read. */
      const take = (record: KinesisRecord): void => {
        try {
          handle(record);
        } catch (error) {
          subscriber.error(error);
        }
      };

      const drain = (): void => {
        while (!waiting && !subscriber.closed) {
          const record = queue.shift();
          if (record === undefined) {
            if (sourceDone) subscriber.complete();
            return;
          }
          take(record);
        }
      };

      const subscription = source.subscribe({
        next(record) {
          if (!isRecord(record)) {
            subscriber.error(new NotAKinesisRecordError(record));
            return;
          }
          if (waiting) queue.push(record);
          else take(record);
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          sourceDone = true;
          if (!waiting) subscriber.complete();
        },
      });
      return () => {
        cancelWait?.();
        subscription.unsubscribe();
        queue.length = 0;
      };
    });
}

/** A record to decode: its `data` is bytes (a KinesisItem's `data` is an item). False if reading it throws. */
function isRecord(value: unknown): value is KinesisRecord {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const { data, subSequenceNumber } = value as { data?: unknown; subSequenceNumber?: unknown };
    // Of any realm (a Buffer made in another context is not an instance of this one's Uint8Array).
    return ArrayBuffer.isView(data) && subSequenceNumber === undefined;
  } catch {
    return false;
  }
}

function isProcessor<T>(value: unknown): value is Processor<T> {
  return typeof value === 'object' && value !== null && 'serializer' in value && 'aggregator' in value;
}

/** Whether a processor has the parts decoding calls (a write-only one would fail every record). */
function canDecode(processor: Processor<unknown>): boolean {
  const { serializer, aggregator } = processor as Partial<Processor<unknown>>;
  return typeof serializer?.deserialize === 'function' && typeof aggregator?.deaggregate === 'function';
}

function isPromiseLike(value: unknown): value is Promise<void> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
