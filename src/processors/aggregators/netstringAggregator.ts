import { Buffer } from '../../platform/buffer.js';
import { MalformedNetstringError } from '../errors/MalformedNetstringError.js';
import type { Aggregator, DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';
import { allItems } from './allItems.js';
import { FramedAccumulator, type Framing } from './FramedAccumulator.js';
import { FramedItems } from './FramedItems.js';
import { finishTable, growTable } from './itemTable.js';
import { tableScan, type TableScan } from './tableScan.js';

const COLON = 0x3a;
const COMMA = 0x2c;
/** Lengths up to 10 MiB have at most 8 digits; allow a little slack for leading zeros. */
const MAX_LENGTH_DIGITS = 10;

function decimalDigits(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits += 1;
  }
  return digits;
}

const framing: Framing = {
  recordOverhead: 0,
  maxItems: Number.POSITIVE_INFINITY,
  itemOverhead: (length) => decimalDigits(length) + 2,
  write(items, size) {
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    for (const item of items) {
      offset += out.write(String(item.byteLength), offset, 'latin1');
      out[offset] = COLON;
      out.set(item, offset + 1);
      offset += item.byteLength + 1;
      out[offset] = COMMA;
      offset += 1;
    }
    return out;
  },
};

/**
 * Each item as a netstring, `<ASCII decimal length>:<bytes>,`, back to back
 * (async-kinesis's NetstringAggregator): msgpack `{"a":1}`, `{"b":2}` are
 * `4:\x81\xa1a\x01,4:\x81\xa1b\x02,`. Decoding checks every length, `:` and `,` and throws
 * MalformedNetstringError on anything else.
 */
export function netstringAggregator(): Aggregator {
  return {
    name: 'netstring',
    aggregates: true,
    createAccumulator: (maxRecordBytes) => new FramedAccumulator(framing, maxRecordBytes),
    deaggregate: (record: RecordToDeaggregate): DeaggregatedItem[] => allItems(netstringItems(record)),
    deaggregateLazily: netstringItems,
  };
}

/** The record's frames, checked whole (MalformedNetstringError at the first fault) before any item is made. */
function netstringItems(record: RecordToDeaggregate): FramedItems {
  const data = record.data;
  const scan = tableScan();
  const used = scanNetstrings(data, scan);
  return new FramedItems(record, data, finishTable(scan.table, used));
}

/** Checks every frame of `data` and writes where each one's bytes start and end into `scan`; returns how many fields. */
function scanNetstrings(data: Uint8Array, scan: TableScan): number {
  const total = data.byteLength;
  let table = scan.table;
  let used = 0;
  let offset = 0;
  while (offset < total) {
    let length = 0;
    let cursor = offset;
    for (; cursor < total; cursor += 1) {
      const c = data[cursor] as number;
      if (c < 0x30 || c > 0x39) break;
      if (cursor - offset >= MAX_LENGTH_DIGITS) {
        throw new MalformedNetstringError('length has too many digits', offset);
      }
      length = length * 10 + (c - 0x30);
    }
    if (cursor === offset) throw new MalformedNetstringError('expected a decimal length', offset);
    if (cursor >= total || data[cursor] !== COLON) {
      throw new MalformedNetstringError('expected ":" after the length', cursor);
    }
    const start = cursor + 1;
    const end = start + length;
    if (end >= total) {
      throw new MalformedNetstringError(`frame of ${length} bytes runs past the end of the record`, offset);
    }
    if (data[end] !== COMMA) throw new MalformedNetstringError('expected "," after the data', end);
    if (used + 2 > table.length) {
      table = growTable(table, used, used + 2);
      scan.table = table;
    }
    table[used] = start;
    table[used + 1] = end;
    used += 2;
    offset = end + 1;
  }
  return used; // nothing else after the loop (see TableScan)
}
