import { KplDecodeError } from '../errors/KplDecodeError.js';
import { toBuffer } from '../serializers/toBuffer.js';
import { finishTable, growTable, tableScratch } from './itemTable.js';

/**
 * The KPL `AggregatedRecord` protobuf message, hand-rolled:
 *   1 partition_key_table     repeated string
 *   2 explicit_hash_key_table repeated string
 *   3 records                 repeated Record {
 *       1 partition_key_index uint64, 2 explicit_hash_key_index uint64 (optional),
 *       3 data bytes, 4 tags repeated Tag { 1 key string, 2 value string } }
 * Fields are written in field-number order, as protobuf encoders do; tags are never written.
 */

export const TAG_PARTITION_KEY = 0x0a; // field 1, length-delimited
export const TAG_EXPLICIT_HASH_KEY = 0x12; // field 2, length-delimited
export const TAG_RECORD = 0x1a; // field 3, length-delimited
export const TAG_PARTITION_KEY_INDEX = 0x08; // field 1, varint
export const TAG_EXPLICIT_HASH_KEY_INDEX = 0x10; // field 2, varint
export const TAG_DATA = 0x1a; // field 3, length-delimited

/** Bytes of the varint encoding of a non-negative integer below 2^53. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 4;
  value = Math.floor(value / 0x10000000);
  while (value > 0) {
    size += 1;
    value = Math.floor(value / 0x80);
  }
  return size;
}

/** Writes a varint at `offset`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    out[offset] = (value & 0x7f) | 0x80;
    offset += 1;
    value = value >= 0x100000000 ? Math.floor(value / 0x80) : value >>> 7;
  }
  out[offset] = value;
  return offset + 1;
}

/** Size of a length-delimited field holding `length` bytes. */
export function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

export interface DecodedAggregatedRecord {
  readonly partitionKeys: string[];
  readonly explicitHashKeys: string[];
  /**
   * Four fields per sub-record, in order: where its data starts and ends in the body, its
   * partition key index, its explicit hash key index (-1 when it has none).
   */
  readonly table: Int32Array;
  /**
   * Indexes too large for the table (2^31 and over: never in range), by their place in it
   * (where the table holds -2); undefined when there is none.
   */
  readonly largeIndexes: Map<number, number> | undefined;
}

/** Fields per sub-record in DecodedAggregatedRecord.table. */
export const FIELDS_PER_RECORD = 4;
/** The largest key index the table holds as it is. */
const MAX_INDEX = 0x7fffffff;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/**
 * Decodes an AggregatedRecord body into its key tables and a table of its sub-records (no
 * allocation per sub-record: this runs for every item a consumer reads). Throws KplDecodeError
 * if it is truncated or invalid. Unknown fields and tags are skipped.
 */
export function decodeAggregatedRecord(body: Uint8Array): DecodedAggregatedRecord {
  const buffer = toBuffer(body);
  const end = body.byteLength;
  const partitionKeys: string[] = [];
  const explicitHashKeys: string[] = [];
  let table = tableScratch();
  let used = 0;
  let largeIndexes: Map<number, number> | undefined;
  let offset = 0;

  const varint = (): number => {
    const byte = body[offset];
    if (byte !== undefined && byte < 0x80) {
      offset += 1;
      return byte;
    }
    return slowVarint();
  };
  const slowVarint = (): number => {
    const start = offset;
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i += 1) {
      const byte = body[offset];
      if (byte === undefined) throw new KplDecodeError('truncated varint', start);
      offset += 1;
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw new KplDecodeError('varint too large', start);
        return value;
      }
      multiplier *= 0x80;
    }
    throw new KplDecodeError('varint longer than 10 bytes', start);
  };
  /** Reads a length prefix and returns the end of the value that follows, checked. */
  const delimitedEnd = (limit: number): number => {
    const at = offset;
    const length = varint();
    const valueEnd = offset + length;
    if (valueEnd > limit) {
      throw new KplDecodeError(`length-delimited field of ${length} bytes is truncated`, at);
    }
    return valueEnd;
  };
  const skip = (tag: number, limit: number): void => {
    const at = offset;
    const wireType = tag & 7;
    if (tag < 8) throw new KplDecodeError('invalid field number 0', at);
    if (wireType === WIRE_VARINT) varint();
    else if (wireType === WIRE_LENGTH_DELIMITED) offset = delimitedEnd(limit);
    else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      offset += wireType === WIRE_FIXED64 ? 8 : 4;
      if (offset > limit) throw new KplDecodeError('truncated fixed field', at);
    } else {
      throw new KplDecodeError(`unsupported wire type ${wireType}`, at);
    }
  };

  while (offset < end) {
    const tag = varint();
    if (tag === TAG_RECORD) {
      const start = offset;
      const recordEnd = delimitedEnd(end);
      let partitionKeyIndex = -1;
      let explicitHashKeyIndex = -1;
      let dataStart = -1;
      let dataEnd = -1;
      while (offset < recordEnd) {
        const field = varint();
        if (field === TAG_PARTITION_KEY_INDEX) {
          partitionKeyIndex = varint();
        } else if (field === TAG_DATA) {
          dataEnd = delimitedEnd(recordEnd);
          dataStart = offset;
          offset = dataEnd;
        } else if (field === TAG_EXPLICIT_HASH_KEY_INDEX) {
          explicitHashKeyIndex = varint();
        } else {
          skip(field, recordEnd);
        }
      }
      if (offset > recordEnd) {
        throw new KplDecodeError('sub-record field overruns the sub-record', start);
      }
      if (partitionKeyIndex === -1) {
        throw new KplDecodeError('sub-record without partition_key_index', start);
      }
      if (dataStart === -1) throw new KplDecodeError('sub-record without data', start);
      if (used + FIELDS_PER_RECORD > table.length) table = growTable(table, used, used + FIELDS_PER_RECORD);
      table[used] = dataStart;
      table[used + 1] = dataEnd;
      table[used + 2] = partitionKeyIndex;
      table[used + 3] = explicitHashKeyIndex;
      if (partitionKeyIndex > MAX_INDEX || explicitHashKeyIndex > MAX_INDEX) {
        // Kept aside for the error that names it; -2 in the table is out of range all the same.
        largeIndexes ??= new Map();
        if (partitionKeyIndex > MAX_INDEX) {
          largeIndexes.set(used + 2, partitionKeyIndex);
          table[used + 2] = -2;
        }
        if (explicitHashKeyIndex > MAX_INDEX) {
          largeIndexes.set(used + 3, explicitHashKeyIndex);
          table[used + 3] = -2;
        }
      }
      used += FIELDS_PER_RECORD;
    } else if (tag === TAG_PARTITION_KEY || tag === TAG_EXPLICIT_HASH_KEY) {
      const valueEnd = delimitedEnd(end);
      const value = buffer.toString('utf8', offset, valueEnd);
      offset = valueEnd;
      (tag === TAG_PARTITION_KEY ? partitionKeys : explicitHashKeys).push(value);
    } else {
      skip(tag, end);
    }
  }
  return { partitionKeys, explicitHashKeys, table: finishTable(table, used), largeIndexes };
}
