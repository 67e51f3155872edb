import { Buffer } from '../../platform/buffer.js';
import { SerializationError } from '../errors/SerializationError.js';
import type { Aggregator, DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';
import { allItems } from './allItems.js';
import { FramedAccumulator, type Framing } from './FramedAccumulator.js';
import { FramedItems } from './FramedItems.js';
import { splitJsonArray } from './splitJsonArray.js';

const SEPARATOR = Buffer.from(', ', 'latin1');

const framing: Framing = {
  recordOverhead: 2,
  maxItems: Number.POSITIVE_INFINITY,
  itemOverhead: (_length, index) => (index === 0 ? 0 : SEPARATOR.length),
  check(data) {
    // `[a, , b]` cannot be read back, and `[]` reads as no item: the record's items would be lost.
    if (data.byteLength === 0) {
      throw new SerializationError('list', 'the item is empty, and the list framing cannot hold it');
    }
  },
  write(items, size) {
    const out = Buffer.allocUnsafe(size);
    out[0] = 0x5b;
    let offset = 1;
    for (let i = 0; i < items.length; i += 1) {
      if (i > 0) {
        out.set(SEPARATOR, offset);
        offset += SEPARATOR.length;
      }
      const item = items[i] as Uint8Array;
      out.set(item, offset);
      offset += item.byteLength;
    }
    out[offset] = 0x5d;
    return out;
  },
};

/**
 * One JSON array per record, elements joined by `", "` as Python's `json.dumps(list)` writes
 * them (async-kinesis's ListAggregator): with JSON items `[{"a": 1}, {"b": 2}]`. Meant for
 * JSON serializers. Decoding yields one item per array element; a record that is not an
 * array reads as one item.
 */
export function listAggregator(): Aggregator {
  return {
    name: 'list',
    aggregates: true,
    createAccumulator: (maxRecordBytes) => new FramedAccumulator(framing, maxRecordBytes),
    deaggregate: (record: RecordToDeaggregate): DeaggregatedItem[] => allItems(listItems(record)),
    deaggregateLazily: listItems,
  };
}

/** The array's elements (checked whole before any is made), or the record as one item when it is not an array. */
function listItems(record: RecordToDeaggregate): FramedItems {
  const data = record.data;
  return new FramedItems(record, data, splitJsonArray(data));
}
