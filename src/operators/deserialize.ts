import { Observable, type OperatorFunction } from 'rxjs';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { KinesisItem } from '../consumer/KinesisItem.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../consumer/KinesisRecord.js';
import { RecordDecodeError } from '../processors/errors/RecordDecodeError.js';
import { jsonProcessor } from '../processors/namedProcessors.js';
import type { Processor } from '../processors/Processor.js';

export interface DeserializeOptions {
  /**
   * Called with a RecordDecodeError and the record when a record cannot be decoded (a
   * dead-letter hook). The stream then goes on with the next record; if the hook returns a
   * promise, later records wait until it settles, so nothing is reordered. If the hook throws
   * or its promise rejects, the stream errors with that error. Without the hook a record that
   * cannot be decoded errors the stream.
   */
  readonly onDecodeError?: (error: RecordDecodeError, record: KinesisRecord) => void | Promise<void>;
}

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
  const { onDecodeError } = options;
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

      // A record that yields no item (dead-lettered, empty, or already done before a resume) never
      // reaches checkpoint(): tell the consumer it is done, or it would hold back the shard's
      // checkpoint and, at the end of a shard, its SHARD_END.
      const settle = (record: KinesisRecord): void => {
        record[CONSUMER_CONTEXT]?.link?.skipped?.(record, undefined, 1);
      };

      const handle = (record: KinesisRecord): void => {
        let items: KinesisItem<T>[];
        try {
          items = decodeRecord(processorFor(record), record);
        } catch (error) {
          const decodeError = error as RecordDecodeError;
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
        if (items.length === 0) settle(record);
        for (const item of items) {
          if (subscriber.closed) return;
          subscriber.next(item);
        }
      };

      const drain = (): void => {
        while (!waiting && !subscriber.closed) {
          const record = queue.shift();
          if (record === undefined) {
            if (sourceDone) subscriber.complete();
            return;
          }
          handle(record);
        }
      };

      const subscription = source.subscribe({
        next(record) {
          if (waiting) queue.push(record);
          else handle(record);
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
        subscription.unsubscribe();
        queue.length = 0;
      };
    });
}

/** Decodes one record into items; throws RecordDecodeError naming the record's position. */
function decodeRecord<T>(processor: Processor<T>, record: KinesisRecord): KinesisItem<T>[] {
  let subSequenceNumber: number | undefined;
  try {
    const parts = processor.aggregator.deaggregate(record);
    const subRecordCount = parts.length;
    const resumeAfter = record.resumeAfterSubSequenceNumber ?? -1;
    const items: KinesisItem<T>[] = [];
    for (const part of parts) {
      if (part.subSequenceNumber <= resumeAfter) continue;
      subSequenceNumber = part.subSequenceNumber;
      const item: KinesisItem<T> = {
        data: processor.serializer.deserialize(part.data),
        record,
        streamName: record.streamName,
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber: part.subSequenceNumber,
        subRecordCount,
        partitionKey: part.partitionKey,
        ...(part.explicitHashKey === undefined ? {} : { explicitHashKey: part.explicitHashKey }),
        approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      };
      items.push(item);
    }
    return items;
  } catch (error) {
    throw new RecordDecodeError(
      processor.name,
      {
        streamName: record.streamName,
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        ...(subSequenceNumber === undefined ? {} : { subSequenceNumber }),
      },
      error,
    );
  }
}

function isProcessor<T>(value: unknown): value is Processor<T> {
  return typeof value === 'object' && value !== null && 'serializer' in value && 'aggregator' in value;
}

function isPromiseLike(value: unknown): value is Promise<void> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
