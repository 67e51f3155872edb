/**
 * Reads a PutRecords JSON body for the benchmark stand-in without turning each entry's base64
 * `Data` into a string: the stand-in needs only its length (to meter bytes), the partition key
 * and the explicit hash key (to route). At 64 shards the bodies come at ~85 MB/s, and
 * `JSON.parse` of them (plus the UTF-8 decoding before it) took a tenth of a core that the
 * client being measured could use.
 *
 * It reads the subset of JSON the AWS SDK writes: objects, arrays, strings without escapes,
 * numbers, true, false and null. A body with a backslash or anything else it does not read
 * gives `undefined`, and the caller falls back to `JSON.parse`.
 */

/** One PutRecords entry as the stand-in needs it. */
export interface PutEntryShape {
  /** Bytes of data the base64 text decodes to. */
  readonly dataBytes: number;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
}

export interface PutRecordsShape {
  readonly streamName: string | undefined;
  readonly streamARN: string | undefined;
  readonly entries: PutEntryShape[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const EQUALS = 0x3d;

/** A string value too long to be a key or a name: only its bounds are kept. */
class LongText {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

type Value = string | number | boolean | null | LongText | Value[] | { [key: string]: Value };

/** Strings longer than this are kept as bounds (base64 data), not decoded. */
const DECODE_LIMIT = 512;

class Unreadable extends Error {}

const isObject = (value: Value): value is { [key: string]: Value } =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof LongText);

export function readPutRecordsBody(body: Buffer): PutRecordsShape | undefined {
  if (body.indexOf(BACKSLASH) !== -1) return undefined;
  let at = 0;

  const skipSpace = () => {
    while (at < body.length) {
      const byte = body[at]!;
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return;
      at += 1;
    }
  };
  const expect = (byte: number) => {
    skipSpace();
    if (body[at] !== byte) throw new Unreadable();
    at += 1;
  };
  const readString = (): string | LongText => {
    // at is just past the opening quote; no escapes (checked above).
    const start = at;
    const end = body.indexOf(QUOTE, start);
    if (end === -1) throw new Unreadable();
    at = end + 1;
    return end - start > DECODE_LIMIT ? new LongText(start, end) : body.toString('utf8', start, end);
  };
  const readValue = (): Value => {
    skipSpace();
    const byte = body[at];
    if (byte === QUOTE) {
      at += 1;
      return readString();
    }
    if (byte === 0x7b) {
      at += 1;
      const object: { [key: string]: Value } = {};
      skipSpace();
      if (body[at] === 0x7d) {
        at += 1;
        return object;
      }
      for (;;) {
        expect(QUOTE);
        const key = readString();
        if (typeof key !== 'string') throw new Unreadable();
        expect(0x3a);
        object[key] = readValue();
        skipSpace();
        const next = body[at];
        at += 1;
        if (next === 0x7d) return object;
        if (next !== 0x2c) throw new Unreadable();
      }
    }
    if (byte === 0x5b) {
      at += 1;
      const array: Value[] = [];
      skipSpace();
      if (body[at] === 0x5d) {
        at += 1;
        return array;
      }
      for (;;) {
        array.push(readValue());
        skipSpace();
        const next = body[at];
        at += 1;
        if (next === 0x5d) return array;
        if (next !== 0x2c) throw new Unreadable();
      }
    }
    // A number or a literal: up to the next delimiter, read by JSON.parse.
    const start = at;
    while (at < body.length) {
      const b = body[at]!;
      if (b === 0x2c || b === 0x7d || b === 0x5d || b === 0x20 || b === 0x0a || b === 0x0d) break;
      at += 1;
    }
    if (at === start) throw new Unreadable();
    try {
      return JSON.parse(body.toString('latin1', start, at)) as number | boolean | null;
    } catch {
      throw new Unreadable();
    }
  };

  const dataBytes = (value: Value): number => {
    if (typeof value === 'string') return Buffer.byteLength(value, 'base64');
    if (!(value instanceof LongText)) throw new Unreadable();
    const { start, end } = value;
    let padding = 0;
    if (end > start && body[end - 1] === EQUALS) padding += 1;
    if (end - 1 > start && body[end - 2] === EQUALS) padding += 1;
    return Math.floor(((end - start) * 3) / 4) - padding;
  };
  const optionalString = (value: Value | undefined): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new Unreadable();
    return value;
  };

  try {
    const top = readValue();
    skipSpace();
    if (at !== body.length || !isObject(top)) return undefined;
    const records = top.Records;
    if (!Array.isArray(records)) return undefined;
    const entries = records.map((record): PutEntryShape => {
      if (!isObject(record)) throw new Unreadable();
      const partitionKey = optionalString(record.PartitionKey);
      if (partitionKey === undefined || record.Data === undefined) throw new Unreadable();
      return {
        dataBytes: dataBytes(record.Data),
        partitionKey,
        explicitHashKey: optionalString(record.ExplicitHashKey),
      };
    });
    return {
      streamName: optionalString(top.StreamName),
      streamARN: optionalString(top.StreamARN),
      entries,
    };
  } catch (error) {
    if (error instanceof Unreadable) return undefined;
    throw error;
  }
}
