import type { KinesisItem } from '../consumer/KinesisItem.js';
import type { KinesisRecord } from '../consumer/KinesisRecord.js';
import type { DeaggregatedItem, DeaggregatedItems } from '../processors/Aggregator.js';
import { RecordDecodeError } from '../processors/errors/RecordDecodeError.js';
import { formatMismatchHint } from '../processors/guessRecordFormat.js';
import type { Processor } from '../processors/Processor.js';
import type { SerializerText } from '../processors/Serializer.js';
import type { RecordHint } from './RecordHint.js';

// How deserialize() makes one item of a record: from a part deaggregate() made, from an item
// of a lazy deaggregation, or from a text. Module functions, no closure or spread: this runs
// per item. The items are built field by field in one order, so that all have one shape.

/**
 * A RecordDecodeError naming the record (and the item, when given). `hint` is the record's hint
 * when its items fail one by one (worked out once for them all).
 */
export function decodeFailure<T>(
  processor: Processor<T>,
  record: KinesisRecord,
  error: unknown,
  subSequenceNumber?: number,
  hint?: RecordHint,
): RecordDecodeError {
  return new RecordDecodeError(
    processor.name,
    {
      streamName: record.streamName,
      shardId: record.shardId,
      sequenceNumber: record.sequenceNumber,
      ...(subSequenceNumber === undefined ? {} : { subSequenceNumber }),
    },
    error,
    hint === undefined ? formatMismatchHint(record.data, processor.name) : hint.value(),
  );
}

/** Deserializes one part deaggregate() made into its item. */
export function decodePart<T>(
  processor: Processor<T>,
  record: KinesisRecord,
  part: DeaggregatedItem,
  subRecordCount: number,
  hint?: RecordHint,
): KinesisItem<T> {
  let data: T;
  try {
    data = processor.serializer.deserialize(part.data);
  } catch (error) {
    throw decodeFailure(processor, record, error, part.subSequenceNumber, hint);
  }
  return itemWith(
    data,
    record,
    part.subSequenceNumber,
    subRecordCount,
    part.partitionKey,
    part.explicitHashKey,
  );
}

/** Deserializes item `index` of a lazy deaggregation (its subSequenceNumber is `index`). */
export function decodeItem<T>(
  processor: Processor<T>,
  record: KinesisRecord,
  items: DeaggregatedItems,
  index: number,
  subRecordCount: number,
  hint?: RecordHint,
): KinesisItem<T> {
  let data: T;
  try {
    data = processor.serializer.deserialize(items.data(index));
  } catch (error) {
    throw decodeFailure(processor, record, error, index, hint);
  }
  return itemWith(
    data,
    record,
    index,
    subRecordCount,
    items.partitionKey(index),
    items.explicitHashKey(index),
  );
}

/**
 * Deserializes one item of a record on the text path. The item has the record's keys, as on
 * the byte path.
 */
export function decodeText<T>(
  processor: Processor<T>,
  text: SerializerText<T>,
  record: KinesisRecord,
  line: string,
  subSequenceNumber: number,
  subRecordCount: number,
  hint?: RecordHint,
): KinesisItem<T> {
  let data: T;
  try {
    data = text.deserialize(line);
  } catch (error) {
    throw decodeFailure(processor, record, error, subSequenceNumber, hint);
  }
  return itemWith(
    data,
    record,
    subSequenceNumber,
    subRecordCount,
    record.partitionKey,
    record.explicitHashKey,
  );
}

function itemWith<T>(
  data: T,
  record: KinesisRecord,
  subSequenceNumber: number,
  subRecordCount: number,
  partitionKey: string,
  explicitHashKey: string | undefined,
): KinesisItem<T> {
  return explicitHashKey === undefined
    ? {
        data,
        record,
        streamName: record.streamName,
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber,
        subRecordCount,
        partitionKey,
        approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      }
    : {
        data,
        record,
        streamName: record.streamName,
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber,
        subRecordCount,
        partitionKey,
        explicitHashKey,
        approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      };
}
