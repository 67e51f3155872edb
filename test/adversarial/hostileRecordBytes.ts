// Hostile record bytes for the consumer: each processor's malformed, oversized-by-declaration,
// deeply nested and non-standard inputs, and good records exactly at the 1 MiB record limit.
import { createHash } from 'node:crypto';
import { RecordTooLargeError } from '../../src/processors/errors/RecordTooLargeError.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';

/** The record limit of the local Kinesis with limits on (data + partition key bytes). */
export const RECORD_LIMIT = 1024 * 1024;
/** The partition key every record is written with (one byte of the limit). */
export const KEY = 'k';
const MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

/** A protobuf varint. */
function varint(value: number): Buffer {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return Buffer.from(out);
}

/** A length-delimited protobuf field. */
function field(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), varint(value.length), value]);
}

/** A KPL sub-record (partition key index, optional explicit hash key index, data). */
function subRecord(keyIndex: number, data: Buffer, hashKeyIndex?: number): Buffer {
  return field(
    0x1a,
    Buffer.concat([
      Buffer.from([0x08]),
      varint(keyIndex),
      ...(hashKeyIndex === undefined ? [] : [Buffer.from([0x10]), varint(hashKeyIndex)]),
      field(0x1a, data),
    ]),
  );
}

/** A KPL record around `body` with its correct MD5. */
export function kplRecord(body: Buffer): Buffer {
  return Buffer.concat([MAGIC, body, createHash('md5').update(body).digest()]);
}

/** A KPL record of one key and these sub-record data. */
export function kplOf(...items: Buffer[]): Buffer {
  return kplRecord(Buffer.concat([field(0x0a, Buffer.from(KEY)), ...items.map((d) => subRecord(0, d))]));
}

export const kplHostile = {
  truncated: Buffer.concat([MAGIC, Buffer.from([0x0a, 0x01])]),
  badMd5: Buffer.concat([
    MAGIC,
    field(0x0a, Buffer.from(KEY)),
    subRecord(0, Buffer.from('1')),
    Buffer.alloc(16),
  ]),
  keyIndexOutOfRange: kplRecord(
    Buffer.concat([field(0x0a, Buffer.from(KEY)), subRecord(7, Buffer.from('1'))]),
  ),
  hashKeyIndexOutOfRange: kplRecord(
    Buffer.concat([field(0x0a, Buffer.from(KEY)), subRecord(0, Buffer.from('1'), 2 ** 40)]),
  ),
  hugeDeclaredLength: kplRecord(Buffer.concat([Buffer.from([0x0a]), varint(2 ** 50), Buffer.from(KEY)])),
  overlongVarint: kplRecord(
    Buffer.concat([Buffer.from([0x0a]), Buffer.alloc(11, 0xff), Buffer.from([0x01])]),
  ),
  /** 100,000 nested protobuf groups (wire type 3): a recursive skipper would overflow its stack. */
  nestedGroups: kplRecord(Buffer.alloc(100_000, 0x0b)),
};

/** A netstring frame. */
export function netstring(item: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${item.length}:`), item, Buffer.from(',')]);
}

const fixstr = (text: string) => Buffer.concat([Buffer.from([0xa0 | text.length]), Buffer.from(text)]);

export const msgpackHostile = {
  /** array32 declaring 2^32 - 1 elements, none present. */
  hugeArray: netstring(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff])),
  /** str32 declaring 4 GiB. */
  hugeString: netstring(Buffer.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61])),
  /** 200,000 nested one-element arrays. */
  deepArrays: netstring(Buffer.concat([Buffer.alloc(200_000, 0x91), Buffer.from([0x01])])),
  /** msgpackr's shared-reference extensions: an array whose one element is the array itself. */
  cycle: netstring(Buffer.from([0xd6, 0x69, 0, 0, 0, 1, 0x91, 0xd6, 0x70, 0, 0, 0, 1])),
  /** msgpackr's RegExp extension holding a catastrophic-backtracking pattern. */
  regExp: netstring(Buffer.concat([Buffer.from([0xd4, 0x78, 0x00, 0x92]), fixstr('(a+)+$'), fixstr('')])),
  /** msgpackr's Error extension. */
  error: netstring(
    Buffer.concat([
      Buffer.from([0xd4, 0x65, 0x00, 0x93]),
      fixstr('TypeError'),
      fixstr('x'),
      Buffer.from([0xc0]),
    ]),
  ),
  /** A timestamp extension of 3 bytes (Python: 4, 8 or 12). */
  badTimestamp: netstring(Buffer.from([0xc7, 0x03, 0xff, 1, 2, 3])),
  /** An unknown negative extension type. */
  unknownExtension: netstring(Buffer.from([0xd4, 0x80, 0x01])),
};

/** A JSON string record of exactly the record limit (with KEY). */
export function jsonAtLimit(): Buffer {
  return Buffer.concat([
    Buffer.from('"'),
    Buffer.alloc(RECORD_LIMIT - KEY.length - 2, 0x61),
    Buffer.from('"'),
  ]);
}

/** A JSON lines record of exactly the record limit: one line of a string. */
export function jsonLineAtLimit(): Buffer {
  return Buffer.concat([
    Buffer.from('"'),
    Buffer.alloc(RECORD_LIMIT - KEY.length - 3, 0x61),
    Buffer.from('"\n'),
  ]);
}

/** A JSON list record of exactly the record limit: one string element. */
export function jsonListAtLimit(): Buffer {
  return Buffer.concat([
    Buffer.from('["'),
    Buffer.alloc(RECORD_LIMIT - KEY.length - 4, 0x61),
    Buffer.from('"]'),
  ]);
}

/** A msgpack netstring record of exactly the record limit: one bin32 item. */
export function msgpackAtLimit(): Buffer {
  // digits(7) + ':' + bin32 header (5) + payload + ',' + key = limit
  const payload = RECORD_LIMIT - KEY.length - 7 - 1 - 5 - 1;
  const header = Buffer.from([0xc6, 0, 0, 0, 0]);
  header.writeUInt32BE(payload, 1);
  const record = netstring(Buffer.concat([header, Buffer.alloc(payload, 0x62)]));
  if (record.length + KEY.length !== RECORD_LIMIT)
    throw new Error(`msgpack record of ${record.length} bytes`);
  return record;
}

/** A KPL record of one JSON string item, exactly at the record limit (as the aggregator packs it). */
export function kplJsonAtLimit(): Buffer {
  const fits = (length: number): Buffer | undefined => {
    const accumulator = kplAggregator().createAccumulator(RECORD_LIMIT);
    const item = Buffer.concat([Buffer.from('"'), Buffer.alloc(length, 0x61), Buffer.from('"')]);
    try {
      accumulator.add({ data: item, partitionKey: KEY });
    } catch (error) {
      if (error instanceof RecordTooLargeError) return undefined;
      throw error;
    }
    const record = accumulator.flush();
    return record === undefined ? undefined : Buffer.from(record.data);
  };
  let low = 0;
  let high = RECORD_LIMIT;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle) === undefined) high = middle;
    else low = middle;
  }
  const record = fits(low) as Buffer;
  if (record.length + KEY.length !== RECORD_LIMIT) throw new Error(`KPL record of ${record.length} bytes`);
  return record;
}
