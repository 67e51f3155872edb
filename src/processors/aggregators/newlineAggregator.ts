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
 * Lines at least this long (judged by the record's first line) are decoded one by one into flat
 * strings; shorter ones by decoding the record once and splitting it. JSON.parse reads the
 * substrings a split makes more slowly than flat strings: at ~1 KiB items splitting costs ~40 %
 * more, at ~100 B items it saves ~10 % (the two meet near 200 bytes).
 */
const LONG_LINE = 256;

/**
 * The text path: texts joined into one string per record, encoded once; decoding checks the
 * record's UTF-8 once, then decodes it whole and splits it on `\n` (short lines) or decodes it
 * line by line (long lines). In valid UTF-8 a 0x0A byte is always a line feed, so the lines are
 * exactly the byte path's items (empty lines skipped the same way).
 */
const text: AggregatorText = {
  createAccumulator: (maxRecordBytes, traits) => new NewlineTextAccumulator(maxRecordBytes, traits),
  deaggregate(record: RecordToDeaggregate): string[] | undefined {
    const data = toBuffer(record.data);
    if (!isUtf8(data)) return undefined;
    const first = data.indexOf(NEWLINE);
    return first !== -1 && first < LONG_LINE ? splitLines(data) : decodeLines(data);
  },
};

/** The record decoded once and split on `\n`, empty lines dropped. */
function splitLines(data: Buffer): string[] {
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
}

/** Each non-empty line decoded on its own. */
function decodeLines(data: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(NEWLINE, start);
    if (end === -1) end = data.length;
    if (end > start) lines.push(data.toString('utf8', start, end));
    start = end + 1;
  }
  return lines;
}

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
