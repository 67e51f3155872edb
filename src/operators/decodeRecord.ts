import type { KinesisItem } from '../consumer/KinesisItem.js';
import type { KinesisRecord } from '../consumer/KinesisRecord.js';
import type { DeaggregatedItem } from '../processors/Aggregator.js';
import { RecordDecodeError } from '../processors/errors/RecordDecodeError.js';
import { formatMismatchHint } from '../processors/guessRecordFormat.js';
import type { Processor } from '../processors/Processor.js';
import type { SerializerText } from '../processors/Serializer.js';
import { textPathOf } from '../processors/textPathOf.js';

// How deserialize() decodes one record into its items: whole (up to 1,000 items) or item by
// item, on the byte path or the text path. Module functions, no closures: this runs per item.

/**
 * A decoded record: its parts (byte path) or its items' texts (text path), the first one not
 * done before a resume, and how to make an item of a part.
 */
export type Decoded<T> = DecodedParts<T> | DecodedTexts<T>;

/** A record decoded on the byte path. */
interface DecodedParts<T> extends DecodedFields<T> {
  readonly parts: readonly DeaggregatedItem[];
  readonly texts: undefined;
  readonly text: undefined;
}

/** A record decoded on the text path: text i has subSequenceNumber i and the record's keys. */
interface DecodedTexts<T> extends DecodedFields<T> {
  readonly parts: undefined;
  readonly texts: readonly string[];
  /** The serializer's text path. */
  readonly text: SerializerText<T>;
}

interface DecodedFields<T> {
  /** How many parts (or texts) the record holds. */
  readonly count: number;
  readonly first: number;
  readonly processor: Processor<T>;
  readonly record: KinesisRecord;
  /** The items from `first` on, decoded before any is emitted (records of at most 1,000 items). */
  readonly eager: readonly KinesisItem<T>[] | undefined;
}

/** The subSequenceNumber of part `index` of a decoded record. */
export function subSequenceOf<T>(decoded: Decoded<T>, index: number): number {
  const { parts } = decoded;
  return parts === undefined ? index : (parts[index] as DeaggregatedItem).subSequenceNumber;
}

/** The item of part `index` of a decoded record. */
export function itemOf<T>(decoded: Decoded<T>, index: number): KinesisItem<T> {
  if (decoded.eager !== undefined) return decoded.eager[index - decoded.first] as KinesisItem<T>;
  if (decoded.parts === undefined) {
    const { processor, text, record, texts, count } = decoded;
    return decodeText(processor, text, record, texts[index] as string, index, count);
  }
  return decodePart(
    decoded.processor,
    decoded.record,
    decoded.parts[index] as DeaggregatedItem,
    decoded.count,
  );
}

/** A RecordDecodeError naming the record (and the item, when given). */
function decodeFailure<T>(
  processor: Processor<T>,
  record: KinesisRecord,
  error: unknown,
  subSequenceNumber?: number,
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
    formatMismatchHint(record.data, processor.name),
  );
}

/** Deserializes one part of a record into its item (no closure or spread: this runs per item). */
function decodePart<T>(
  processor: Processor<T>,
  record: KinesisRecord,
  part: DeaggregatedItem,
  subRecordCount: number,
): KinesisItem<T> {
  let data: T;
  try {
    data = processor.serializer.deserialize(part.data);
  } catch (error) {
    throw decodeFailure(processor, record, error, part.subSequenceNumber);
  }
  return part.explicitHashKey === undefined
    ? {
        data,
        record,
        streamName: record.streamName,
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber: part.subSequenceNumber,
        subRecordCount,
        partitionKey: part.partitionKey,
        approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      }
    : {
        data,
        record,
        streamName: record.streamName,
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber: part.subSequenceNumber,
        subRecordCount,
        partitionKey: part.partitionKey,
        explicitHashKey: part.explicitHashKey,
        approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      };
}

/**
 * Deserializes one item of a record on the text path (no closure or spread: this runs per
 * item). The item has the record's keys, as on the byte path.
 */
function decodeText<T>(
  processor: Processor<T>,
  text: SerializerText<T>,
  record: KinesisRecord,
  line: string,
  subSequenceNumber: number,
  subRecordCount: number,
): KinesisItem<T> {
  let data: T;
  try {
    data = text.deserialize(line);
  } catch (error) {
    throw decodeFailure(processor, record, error, subSequenceNumber);
  }
  return record.explicitHashKey === undefined
    ? {
        data,
        record,
        streamName: record.streamName,
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber,
        subRecordCount,
        partitionKey: record.partitionKey,
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
        partitionKey: record.partitionKey,
        explicitHashKey: record.explicitHashKey,
        approximateArrivalTimestamp: record.approximateArrivalTimestamp,
      };
}

/**
 * Deaggregates one record; a record of at most 1,000 items is deserialized whole, a larger one
 * item by item as its items are emitted. Errors name the record's position. The text path
 * (serializer and aggregator both have one, e.g. JSON lines) decodes the record's bytes once;
 * a record that is not valid UTF-8 takes the byte path, which names the item at fault.
 */
export function decodeRecord<T>(processor: Processor<T>, record: KinesisRecord): Decoded<T> {
  const textPath = textPathOf(processor);
  if (textPath !== undefined) {
    let texts: string[] | undefined;
    try {
      texts = textPath.aggregator.deaggregate(record);
    } catch (error) {
      throw decodeFailure(processor, record, error);
    }
    if (texts !== undefined) return decodeTexts(processor, textPath.serializer, record, texts);
  }
  let parts: DeaggregatedItem[];
  try {
    parts = processor.aggregator.deaggregate(record);
  } catch (error) {
    throw decodeFailure(processor, record, error);
  }
  const count = parts.length;
  const resumeAfter = record.resumeAfterSubSequenceNumber ?? -1;
  let first = 0;
  while (first < count && (parts[first] as DeaggregatedItem).subSequenceNumber <= resumeAfter) first += 1;
  // Every item is decoded before the first is emitted when the record is small: a record whose
  // item cannot be decoded fails (or is dead-lettered) whole, as before.
  let eager: KinesisItem<T>[] | undefined;
  if (count <= 1000) {
    eager = new Array<KinesisItem<T>>(count - first);
    for (let i = first; i < count; i += 1)
      eager[i - first] = decodePart(processor, record, parts[i] as DeaggregatedItem, count);
  }
  return { parts, texts: undefined, text: undefined, count, first, processor, record, eager };
}

/** decodeRecord() on the text path: text i is the item of subSequenceNumber i. */
function decodeTexts<T>(
  processor: Processor<T>,
  text: SerializerText<T>,
  record: KinesisRecord,
  texts: string[],
): Decoded<T> {
  const count = texts.length;
  const resumeAfter = record.resumeAfterSubSequenceNumber ?? -1;
  const first = Math.min(count, Math.max(0, Math.floor(resumeAfter) + 1));
  let eager: KinesisItem<T>[] | undefined;
  if (count <= 1000) {
    eager = new Array<KinesisItem<T>>(count - first);
    for (let i = first; i < count; i += 1)
      eager[i - first] = decodeText(processor, text, record, texts[i] as string, i, count);
  }
  return { parts: undefined, texts, text, count, first, processor, record, eager };
}
