import type { KinesisItem } from '../consumer/KinesisItem.js';
import type { KinesisRecord } from '../consumer/KinesisRecord.js';
import type {
  AggregatorText,
  DeaggregatedItem,
  DeaggregatedItems,
  DeaggregatedTexts,
} from '../processors/Aggregator.js';
import type { Processor } from '../processors/Processor.js';
import type { SerializerText } from '../processors/Serializer.js';
import { textPathOf } from '../processors/textPathOf.js';
import { decodeFailure, decodeItem, decodePart, decodeText } from './decodeItem.js';
import { RecordHint } from './RecordHint.js';
import { PartList, TextList } from './eagerDeaggregation.js';

// How deserialize() decodes one record into its items: whole (up to 1,000 items) or item by
// item, on the byte path or the text path. Module functions, no closures: this runs per item.

/** Most items of a record decoded whole before the first goes out; a larger one goes item by item. */
const EAGER_ITEMS = 1000;

/**
 * A decoded record: its items (lazily cut out, or the parts deaggregate() made) or their texts,
 * the first one not done before a resume, and the items from it on when decoded whole.
 */
export type Decoded<T> = DecodedParts<T> | DecodedItems<T> | DecodedTexts<T>;

/** A record deaggregated at once by an aggregator without deaggregateLazily(). */
interface DecodedParts<T> extends DecodedFields<T> {
  readonly kind: 'parts';
  readonly parts: readonly DeaggregatedItem[];
}

/** A record deaggregated lazily: item i has subSequenceNumber i. */
interface DecodedItems<T> extends DecodedFields<T> {
  readonly kind: 'items';
  readonly items: DeaggregatedItems;
}

/** A record read on the text path: text i has subSequenceNumber i and the record's keys. */
interface DecodedTexts<T> extends DecodedFields<T> {
  readonly kind: 'texts';
  readonly texts: DeaggregatedTexts;
  /** The serializer's text path. */
  readonly text: SerializerText<T>;
  /**
   * The record on the byte path, once an item gave no text (its bytes are not valid UTF-8): that
   * item and those after it are read from here.
   */
  bytes: DeaggregatedItems | undefined;
}

interface DecodedFields<T> {
  /** How many items the record holds. */
  readonly count: number;
  readonly first: number;
  readonly processor: Processor<T>;
  readonly record: KinesisRecord;
  /** The items from `first` on, decoded before any is emitted (records of at most 1,000 items). */
  readonly eager: readonly KinesisItem<T>[] | undefined;
  /** The format hint of the errors of its items decoded one by one (when not decoded whole). */
  readonly hint: RecordHint | undefined;
}

/** The subSequenceNumber of item `index` of a decoded record. */
export function subSequenceOf<T>(decoded: Decoded<T>, index: number): number {
  return decoded.kind === 'parts' ? (decoded.parts[index] as DeaggregatedItem).subSequenceNumber : index;
}

/** Item `index` of a decoded record, made now when the record is decoded item by item. */
export function itemOf<T>(decoded: Decoded<T>, index: number): KinesisItem<T> {
  if (decoded.eager !== undefined) return decoded.eager[index - decoded.first] as KinesisItem<T>;
  if (decoded.kind === 'items') {
    return decodeItem(decoded.processor, decoded.record, decoded.items, index, decoded.count, decoded.hint);
  }
  if (decoded.kind === 'texts') return textItemOf(decoded, index);
  return decodePart(
    decoded.processor,
    decoded.record,
    decoded.parts[index] as DeaggregatedItem,
    decoded.count,
    decoded.hint,
  );
}

/** Item `index` of a record on the text path; from an item without text on, on the byte path. */
function textItemOf<T>(decoded: DecodedTexts<T>, index: number): KinesisItem<T> {
  const { processor, record, count, hint } = decoded;
  let bytes = decoded.bytes;
  if (bytes === undefined) {
    const line = decoded.texts.text(index);
    if (line !== undefined) return decodeText(processor, decoded.text, record, line, index, count, hint);
    bytes = byteItemsOf(processor, record);
    decoded.bytes = bytes;
  }
  return decodeItem(processor, record, bytes, index, count, hint);
}

/**
 * Deaggregates one record; a record of at most 1,000 items is deserialized whole, a larger one
 * item by item as its items are emitted (lazily deaggregated, when the aggregator can, so that
 * what is held meanwhile is about the record's size). Errors name the record's position. The
 * text path (serializer and aggregator both have one, e.g. JSON lines) decodes the record's bytes
 * once; a record that is not valid UTF-8 takes the byte path, which names the item at fault.
 */
export function decodeRecord<T>(processor: Processor<T>, record: KinesisRecord): Decoded<T> {
  const textPath = textPathOf(processor);
  if (textPath !== undefined) {
    const texts = textsOf(processor, textPath.aggregator, record);
    const decoded =
      texts === undefined ? undefined : decodeTexts(processor, textPath.serializer, record, texts);
    if (decoded !== undefined) return decoded;
  }
  const aggregator = processor.aggregator;
  const lazy = aggregator.deaggregateLazily;
  if (lazy !== undefined) {
    let items: DeaggregatedItems;
    try {
      items = lazy.call(aggregator, record);
    } catch (error) {
      throw decodeFailure(processor, record, error);
    }
    return decodeItems(processor, record, items);
  }
  let parts: DeaggregatedItem[];
  try {
    parts = aggregator.deaggregate(record);
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
  if (count <= EAGER_ITEMS) {
    eager = new Array<KinesisItem<T>>(count - first);
    for (let i = first; i < count; i += 1)
      eager[i - first] = decodePart(processor, record, parts[i] as DeaggregatedItem, count);
  }
  return {
    kind: 'parts',
    parts,
    count,
    first,
    processor,
    record,
    eager,
    hint: hintOf(processor, record, eager),
  };
}

/**
 * The hint of the errors of a record decoded item by item, worked out at its first item that
 * fails; none for a record decoded whole (its first bad item fails it whole).
 */
function hintOf<T>(
  processor: Processor<T>,
  record: KinesisRecord,
  eager: readonly KinesisItem<T>[] | undefined,
): RecordHint | undefined {
  return eager === undefined ? new RecordHint(record.data, processor.name) : undefined;
}

/** The first item not done before a resume, for items numbered by their index. */
function firstNotDone(record: KinesisRecord, count: number): number {
  const resumeAfter = record.resumeAfterSubSequenceNumber ?? -1;
  return Math.min(count, Math.max(0, Math.floor(resumeAfter) + 1));
}

/** decodeRecord() of a lazy deaggregation. */
function decodeItems<T>(
  processor: Processor<T>,
  record: KinesisRecord,
  items: DeaggregatedItems,
): Decoded<T> {
  const count = items.count;
  const first = firstNotDone(record, count);
  let eager: KinesisItem<T>[] | undefined;
  if (count <= EAGER_ITEMS) {
    eager = new Array<KinesisItem<T>>(count - first);
    for (let i = first; i < count; i += 1) eager[i - first] = decodeItem(processor, record, items, i, count);
  }
  return {
    kind: 'items',
    items,
    count,
    first,
    processor,
    record,
    eager,
    hint: hintOf(processor, record, eager),
  };
}

/** The record's texts (lazily, when the aggregator can), or undefined when it must take the byte path. */
function textsOf<T>(
  processor: Processor<T>,
  aggregator: AggregatorText,
  record: KinesisRecord,
): DeaggregatedTexts | undefined {
  try {
    const lazy = aggregator.deaggregateLazily;
    if (lazy !== undefined) return lazy.call(aggregator, record);
    const texts = aggregator.deaggregate(record);
    return texts === undefined ? undefined : new TextList(texts);
  } catch (error) {
    throw decodeFailure(processor, record, error);
  }
}

/**
 * decodeRecord() on the text path: text i is the item of subSequenceNumber i. Undefined when the
 * record is decoded whole and an item gives no text: the record then takes the byte path whole.
 */
function decodeTexts<T>(
  processor: Processor<T>,
  text: SerializerText<T>,
  record: KinesisRecord,
  texts: DeaggregatedTexts,
): Decoded<T> | undefined {
  const count = texts.count;
  const first = firstNotDone(record, count);
  let eager: KinesisItem<T>[] | undefined;
  if (count <= EAGER_ITEMS) {
    eager = new Array<KinesisItem<T>>(count - first);
    for (let i = first; i < count; i += 1) {
      const line = texts.text(i);
      if (line === undefined) return undefined;
      eager[i - first] = decodeText(processor, text, record, line, i, count);
    }
  }
  return {
    kind: 'texts',
    texts,
    text,
    bytes: undefined,
    count,
    first,
    processor,
    record,
    eager,
    hint: hintOf(processor, record, eager),
  };
}

/** The record's items on the byte path, for a record read on the text path first. */
function byteItemsOf<T>(processor: Processor<T>, record: KinesisRecord): DeaggregatedItems {
  const aggregator = processor.aggregator;
  try {
    const lazy = aggregator.deaggregateLazily;
    return lazy === undefined ? new PartList(aggregator.deaggregate(record)) : lazy.call(aggregator, record);
  } catch (error) {
    throw decodeFailure(processor, record, error);
  }
}
