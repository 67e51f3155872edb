import type { Buffer } from '../../platform/buffer.js';
import { isUtf8 } from '../../platform/isUtf8.js';
import type { AggregatorText, RecordToDeaggregate } from '../Aggregator.js';
import { toBuffer } from '../serializers/toBuffer.js';
import { finishTable, growTable } from './itemTable.js';
import { NewlineTextAccumulator } from './NewlineTextAccumulator.js';
import { NewlineTexts } from './NewlineTexts.js';
import { tableScan, type TableScan } from './tableScan.js';

const NEWLINE = 0x0a;

/**
 * Lines at least this long (judged by the record's first line) are decoded one by one into flat
 * strings; shorter ones by decoding the record once and splitting it. JSON.parse reads the
 * substrings a split makes more slowly than flat strings: at ~1 KiB items splitting costs ~40 %
 * more, at ~100 B items it saves ~10 % (the two meet near 200 bytes).
 */
const LONG_LINE = 256;

/**
 * The newline aggregator's text path: texts joined into one string per record, encoded once;
 * decoding checks the record's UTF-8 once, then decodes it whole and splits it on `\n` (short
 * lines) or decodes it line by line (long lines). In valid UTF-8 a 0x0A byte is always a line
 * feed, so the lines are exactly the byte path's items (empty lines skipped the same way).
 * Read lazily, the lines' places are found first and each line is made as it goes out.
 */
export const newlineText: AggregatorText = {
  createAccumulator: (maxRecordBytes, traits) => new NewlineTextAccumulator(maxRecordBytes, traits),
  deaggregate(record: RecordToDeaggregate): string[] | undefined {
    const data = toBuffer(record.data);
    if (!isUtf8(data)) return undefined;
    const first = data.indexOf(NEWLINE);
    return first !== -1 && first < LONG_LINE ? splitLines(data) : decodeLines(data);
  },
  deaggregateLazily(record: RecordToDeaggregate): NewlineTexts | undefined {
    const data = toBuffer(record.data);
    if (!isUtf8(data)) return undefined;
    const first = data.indexOf(NEWLINE);
    return first !== -1 && first < LONG_LINE ? shortLines(data) : longLines(data);
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

/** splitLines() made lazy: the record decoded once, the places of its non-empty lines in it. */
function shortLines(data: Buffer): NewlineTexts {
  const whole = data.toString('utf8');
  const scan = tableScan();
  const used = scanTextLines(whole, scan);
  return new NewlineTexts(data, whole, finishTable(scan.table, used));
}

/** Writes where each non-empty line of `whole` starts and ends (UTF-16 units) into `scan`; returns how many fields. */
function scanTextLines(whole: string, scan: TableScan): number {
  const length = whole.length;
  let table = scan.table;
  let used = 0;
  let start = 0;
  while (start < length) {
    let end = whole.indexOf('\n', start);
    if (end === -1) end = length;
    if (end > start) {
      if (used + 2 > table.length) {
        table = growTable(table, used, used + 2);
        scan.table = table;
      }
      table[used] = start;
      table[used + 1] = end;
      used += 2;
    }
    start = end + 1;
  }
  return used; // nothing else after the loop (see TableScan)
}

/** decodeLines() made lazy: the byte places of the non-empty lines. */
function longLines(data: Buffer): NewlineTexts {
  return new NewlineTexts(data, undefined, lineTable(data));
}

/** Where each non-empty line of `data` starts and ends (bytes), the newline left out. */
export function lineTable(data: Buffer): Int32Array {
  const scan = tableScan();
  const used = scanLines(data, scan);
  return finishTable(scan.table, used);
}

/** Writes lineTable()'s fields into `scan`; returns how many. */
function scanLines(data: Buffer, scan: TableScan): number {
  let table = scan.table;
  let used = 0;
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(NEWLINE, start);
    if (end === -1) end = data.length;
    if (end > start) {
      if (used + 2 > table.length) {
        table = growTable(table, used, used + 2);
        scan.table = table;
      }
      table[used] = start;
      table[used + 1] = end;
      used += 2;
    }
    start = end + 1;
  }
  return used; // nothing else after the loop (see TableScan)
}
