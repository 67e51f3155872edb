import { Buffer } from '../../platform/buffer.js';
import { isUtf8 } from '../../platform/isUtf8.js';
import type { Aggregator, AggregatorText, DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';
import { toBuffer } from '../serializers/toBuffer.js';
import { FramedAccumulator, type Framing } from './FramedAccumulator.js';
import { itemsOfRecord } from './itemsOfRecord.js';
import { newlineFramingError } from './newlineFramingError.js';
import { NewlineTextAccumulator } from './NewlineTextAccumulator.js';

const NEWLINE = 0x0a;

const framing: Framing = {
  recordOverhead: 0,
  maxItems: Number.POSITIVE_INFINITY,
  itemOverhead: () => 1,
  check(data) {
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
 * The text path: texts joined into one string per record, encoded once; decoding checks and
 * decodes a record once and splits the text on `\n`. In valid UTF-8 a 0x0A byte is always a line
 * feed, so the lines are exactly the byte path's items (empty lines skipped the same way).
 */
const text: AggregatorText = {
  createAccumulator: (maxRecordBytes, traits) => new NewlineTextAccumulator(maxRecordBytes, traits),
  deaggregate(record: RecordToDeaggregate): string[] | undefined {
    const data = toBuffer(record.data);
    if (!isUtf8(data)) return undefined;
    const lines = data.toString('utf8').split('\n');
    // The trailing newline leaves an empty last line; any other empty line is dropped in place.
    if (lines[lines.length - 1] === '') lines.pop();
    let kept = 0;
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i] as string;
      if (line === '') continue;
      if (kept !== i) lines[kept] = line;
      kept += 1;
    }
    lines.length = kept;
    return lines;
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
    text,
  };
}
