import { Buffer } from '../../platform/buffer.js';
import { SerializationError } from '../errors/SerializationError.js';
import type { Aggregator, DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';
import { toBuffer } from '../serializers/toBuffer.js';
import { FramedAccumulator, type Framing } from './FramedAccumulator.js';
import { itemsOfRecord } from './itemsOfRecord.js';

const NEWLINE = 0x0a;

const framing: Framing = {
  recordOverhead: 0,
  maxItems: Number.POSITIVE_INFINITY,
  itemOverhead: () => 1,
  check(data) {
    if (toBuffer(data).indexOf(NEWLINE) !== -1) {
      throw new SerializationError(
        'newline',
        'the item contains a newline byte, which the newline framing cannot hold',
      );
    }
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
 * plain one-item record without the trailing newline reads as one item.
 */
export function newlineAggregator(): Aggregator {
  return {
    name: 'newline',
    aggregates: true,
    createAccumulator: (maxRecordBytes) => new FramedAccumulator(framing, maxRecordBytes),
    deaggregate(record: RecordToDeaggregate): DeaggregatedItem[] {
      const data = toBuffer(record.data);
      const slices: Uint8Array[] = [];
      let start = 0;
      while (start < data.length) {
        let end = data.indexOf(NEWLINE, start);
        if (end === -1) end = data.length;
        if (end > start) slices.push(data.subarray(start, end));
        start = end + 1;
      }
      return itemsOfRecord(record, slices);
    },
  };
}
