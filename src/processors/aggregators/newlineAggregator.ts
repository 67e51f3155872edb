import { Buffer } from '../../platform/buffer.js';
import type { Aggregator, DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';
import { toBuffer } from '../serializers/toBuffer.js';
import { allItems } from './allItems.js';
import { FramedAccumulator, type Framing } from './FramedAccumulator.js';
import { FramedItems } from './FramedItems.js';
import { emptyLineFramingError, newlineFramingError } from './newlineFramingError.js';
import { lineTable, newlineText } from './newlineText.js';

const NEWLINE = 0x0a;

const framing: Framing = {
  recordOverhead: 0,
  maxItems: Number.POSITIVE_INFINITY,
  itemOverhead: () => 1,
  check(data) {
    if (data.byteLength === 0) throw emptyLineFramingError();
    if (toBuffer(data).indexOf(NEWLINE) !== -1) throw newlineFramingError();
  },
  write(items, size) {
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    for (const item of items) {
      out.set(item, offset);
      offset += item.byteLength;
      out[offset] = NEWLINE;
      offset += 1;
    }
    return out;
  },
};

/**
 * Each item followed by `\n`, the last one included: `{"a": 1}\n{"b": 2}\n`
 * (async-kinesis's NewlineAggregator). Decoding splits on `\n` and skips empty lines, so a
 * plain one-item record without the trailing newline reads as one item; an empty item, which
 * would be such a line, is refused as one holding a newline is.
 */
export function newlineAggregator(): Aggregator {
  return {
    name: 'newline',
    aggregates: true,
    createAccumulator: (maxRecordBytes) => new FramedAccumulator(framing, maxRecordBytes),
    deaggregate: (record: RecordToDeaggregate): DeaggregatedItem[] => allItems(newlineItems(record)),
    deaggregateLazily: newlineItems,
    text: newlineText,
  };
}

/** The record's non-empty lines, as views of its bytes made as they are asked for. */
function newlineItems(record: RecordToDeaggregate): FramedItems {
  const data = toBuffer(record.data);
  return new FramedItems(record, data, lineTable(data));
}
