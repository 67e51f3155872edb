// The KPL body decoder as it stood before its walk moved into a function of its own (one
// function, the walk and the result together), kept as a reference: the decoder in src/ must give
// the same tables and keys, and the same errors (class, message, offset), for any body
// (kplDecoderMutations.test.ts, on mutated bodies).
import type { DecodedAggregatedRecord } from '../../../src/processors/aggregators/kplProtobuf.js';
import { finishTable, growTable, tableScratch } from '../../../src/processors/aggregators/itemTable.js';
import { KplDecodeError } from '../../../src/processors/errors/KplDecodeError.js';
import { toBuffer } from '../../../src/processors/serializers/toBuffer.js';

const TAG_PARTITION_KEY = 0x0a;
const TAG_EXPLICIT_HASH_KEY = 0x12;
const TAG_RECORD = 0x1a;
const TAG_PARTITION_KEY_INDEX = 0x08;
const TAG_EXPLICIT_HASH_KEY_INDEX = 0x10;
const TAG_DATA = 0x1a;

/** Fields per sub-record in DecodedAggregatedRecord.table. */
const FIELDS_PER_RECORD = 4;
/** The largest key index the table holds as it is. */
const MAX_INDEX = 0x7fffffff;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Where the varint readVarint() or slowVarint() read last ended (one per decode call). */
interface VarintCursor {
  end: number;
}

/** decodeAggregatedRecord() as it was: the same results and errors are expected of it. */
export function referenceDecode(body: Uint8Array): DecodedAggregatedRecord {
  const buffer = toBuffer(body);
  const end = body.byteLength;
  const cursor: VarintCursor = { end: 0 };
  const partitionKeys: string[] = [];
  const explicitHashKeys: string[] = [];
  let table = tableScratch();
  let capacity = table.length | 0;
  let used = 0;
  let largeIndexes: Map<number, number> | undefined;
  let maxPartitionKeyIndex = -1;
  let maxExplicitHashKeyIndex = -1;
  let offset = 0;

  while (offset < end) {
    let tag = body[offset] as number;
    if (tag < 0x80) offset += 1;
    else {
      tag = slowVarint(body, offset, cursor);
      offset = cursor.end;
    }
    if (tag === TAG_RECORD) {
      const start = offset;
      let length = body[offset];
      if (length !== undefined && length < 0x80) offset += 1;
      else {
        length = slowVarint(body, offset, cursor);
        offset = cursor.end;
      }
      const recordEnd = offset + length;
      if (recordEnd > end) {
        throw new KplDecodeError(`length-delimited field of ${length} bytes is truncated`, start);
      }
      if (used + FIELDS_PER_RECORD > capacity) {
        table = growTable(table, used, used + FIELDS_PER_RECORD);
        capacity = table.length | 0;
      }
      // The layout encoders write (a partition key index below 128, then the data and nothing
      // else), read in one go; any other takes the loop below, which reads it the same way.
      if (
        offset + 4 <= recordEnd &&
        body[offset] === TAG_PARTITION_KEY_INDEX &&
        body[offset + 2] === TAG_DATA
      ) {
        const index = body[offset + 1] as number;
        let dataStart = offset + 4;
        let dataLength = body[offset + 3] as number;
        if (dataLength >= 0x80 && dataStart < recordEnd) {
          const high = body[dataStart] as number;
          dataLength = high < 0x80 ? (dataLength & 0x7f) | (high << 7) : -1;
          dataStart += 1;
        }
        if (index < 0x80 && dataStart + dataLength === recordEnd) {
          table[used] = dataStart;
          table[used + 1] = recordEnd;
          table[used + 2] = index;
          table[used + 3] = -1;
          used += FIELDS_PER_RECORD;
          if (index > maxPartitionKeyIndex) maxPartitionKeyIndex = index;
          offset = recordEnd;
          continue;
        }
      }
      let partitionKeyIndex = -1;
      let explicitHashKeyIndex = -1;
      let dataStart = -1;
      let dataEnd = -1;
      while (offset < recordEnd) {
        let field = body[offset] as number;
        if (field < 0x80) offset += 1;
        else {
          field = slowVarint(body, offset, cursor);
          offset = cursor.end;
        }
        if (field === TAG_PARTITION_KEY_INDEX) {
          const index = body[offset];
          if (index !== undefined && index < 0x80) {
            partitionKeyIndex = index;
            offset += 1;
          } else {
            partitionKeyIndex = slowVarint(body, offset, cursor);
            offset = cursor.end;
          }
        } else if (field === TAG_DATA) {
          const at = offset;
          const dataLength = readVarint(body, offset, cursor);
          offset = cursor.end;
          dataEnd = offset + dataLength;
          if (dataEnd > recordEnd) {
            throw new KplDecodeError(`length-delimited field of ${dataLength} bytes is truncated`, at);
          }
          dataStart = offset;
          offset = dataEnd;
        } else if (field === TAG_EXPLICIT_HASH_KEY_INDEX) {
          explicitHashKeyIndex = readVarint(body, offset, cursor);
          offset = cursor.end;
        } else {
          offset = skipField(body, field, offset, recordEnd, cursor);
        }
      }
      if (offset > recordEnd) {
        throw new KplDecodeError('sub-record field overruns the sub-record', start);
      }
      if (partitionKeyIndex === -1) {
        throw new KplDecodeError('sub-record without partition_key_index', start);
      }
      if (dataStart === -1) throw new KplDecodeError('sub-record without data', start);
      table[used] = dataStart;
      table[used + 1] = dataEnd;
      table[used + 2] = partitionKeyIndex;
      table[used + 3] = explicitHashKeyIndex;
      if (partitionKeyIndex > maxPartitionKeyIndex) maxPartitionKeyIndex = partitionKeyIndex;
      if (explicitHashKeyIndex > maxExplicitHashKeyIndex) maxExplicitHashKeyIndex = explicitHashKeyIndex;
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
      const at = offset;
      const length = readVarint(body, offset, cursor);
      offset = cursor.end;
      const valueEnd = offset + length;
      if (valueEnd > end) {
        throw new KplDecodeError(`length-delimited field of ${length} bytes is truncated`, at);
      }
      const value = buffer.toString('utf8', offset, valueEnd);
      offset = valueEnd;
      (tag === TAG_PARTITION_KEY ? partitionKeys : explicitHashKeys).push(value);
    } else {
      offset = skipField(body, tag, offset, end, cursor);
    }
  }
  return {
    partitionKeys,
    explicitHashKeys,
    table: finishTable(table, used),
    largeIndexes,
    maxPartitionKeyIndex,
    maxExplicitHashKeyIndex,
  };
}

/** Reads the varint at `offset`; the offset after it is left in `cursor.end`. */
function readVarint(body: Uint8Array, offset: number, cursor: VarintCursor): number {
  const byte = body[offset];
  if (byte !== undefined && byte < 0x80) {
    cursor.end = offset + 1;
    return byte;
  }
  return slowVarint(body, offset, cursor);
}

/** readVarint() for any length, checked: the offset after it is left in `cursor.end`. */
function slowVarint(body: Uint8Array, start: number, cursor: VarintCursor): number {
  let offset = start;
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 10; i += 1) {
    const byte = body[offset];
    if (byte === undefined) throw new KplDecodeError('truncated varint', start);
    offset += 1;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) {
      if (value > Number.MAX_SAFE_INTEGER) throw new KplDecodeError('varint too large', start);
      cursor.end = offset;
      return value;
    }
    multiplier *= 0x80;
  }
  throw new KplDecodeError('varint longer than 10 bytes', start);
}

/** Skips the value of a field this decoder does not read; returns the offset after it. */
function skipField(
  body: Uint8Array,
  tag: number,
  offset: number,
  limit: number,
  cursor: VarintCursor,
): number {
  const at = offset;
  const wireType = tag & 7;
  if (tag < 8) throw new KplDecodeError('invalid field number 0', at);
  if (wireType === WIRE_VARINT) {
    readVarint(body, offset, cursor);
    return cursor.end;
  }
  if (wireType === WIRE_LENGTH_DELIMITED) {
    const length = readVarint(body, offset, cursor);
    const valueEnd = cursor.end + length;
    if (valueEnd > limit) {
      throw new KplDecodeError(`length-delimited field of ${length} bytes is truncated`, at);
    }
    return valueEnd;
  }
  if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
    const valueEnd = offset + (wireType === WIRE_FIXED64 ? 8 : 4);
    if (valueEnd > limit) throw new KplDecodeError('truncated fixed field', at);
    return valueEnd;
  }
  throw new KplDecodeError(`unsupported wire type ${wireType}`, at);
}
