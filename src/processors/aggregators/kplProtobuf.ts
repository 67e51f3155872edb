import { KplDecodeError } from '../errors/KplDecodeError.js';
import { finishTable, growTable, tableScratch } from './itemTable.js';
import { skipField } from './kplUnknownField.js';
import { readVarint, slowVarint, type VarintCursor } from './kplVarint.js';

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
  /**
   * The key tables, as where each key's UTF-8 bytes start and end in the body (two numbers per
   * key): a record of many keys is held as its bytes, not as a string per key.
   */
  readonly partitionKeys: number[];
  readonly explicitHashKeys: number[];
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
  /**
   * The largest partition key index and explicit hash key index of any sub-record (-1 when there
   * is none): when both are within the key tables, every sub-record's indexes are.
   */
  readonly maxPartitionKeyIndex: number;
  readonly maxExplicitHashKeyIndex: number;
}

/** Fields per sub-record in DecodedAggregatedRecord.table. */
export const FIELDS_PER_RECORD = 4;
/** The largest key index the table holds as it is. */
const MAX_INDEX = 0x7fffffff;

/** What walkBody() found beside the table's length, and its varint cursor (one per decode call). */
interface BodyWalk extends VarintCursor {
  readonly partitionKeys: number[];
  readonly explicitHashKeys: number[];
  table: Int32Array; // the scratch table, or a larger one if it had to grow
  largeIndexes: Map<number, number> | undefined;
  maxPartitionKeyIndex: number;
  maxExplicitHashKeyIndex: number;
}

/**
 * Decodes an AggregatedRecord body into its key tables and a table of its sub-records (no
 * allocation per sub-record: this runs for every item a consumer reads). Throws KplDecodeError
 * if it is truncated or invalid. Unknown fields and tags are skipped.
 */
export function decodeAggregatedRecord(body: Uint8Array): DecodedAggregatedRecord {
  const walk: BodyWalk = {
    end: 0,
    partitionKeys: [],
    explicitHashKeys: [],
    table: tableScratch(),
    largeIndexes: undefined,
    maxPartitionKeyIndex: -1,
    maxExplicitHashKeyIndex: -1,
  };
  const used = walkBody(body, walk);
  return {
    partitionKeys: walk.partitionKeys,
    explicitHashKeys: walk.explicitHashKeys,
    table: finishTable(walk.table, used),
    largeIndexes: walk.largeIndexes,
    maxPartitionKeyIndex: walk.maxPartitionKeyIndex,
    maxExplicitHashKeyIndex: walk.maxExplicitHashKeyIndex,
  };
}

/**
 * Walks a body: fills the key tables and the table of sub-records in `walk` and returns how many
 * table fields it wrote.
 *
 * One loop, the offset in a local (not shared with closures), one-byte varints read in place and
 * the layout encoders write (key index, then data) read in one step; key indexes are checked
 * against the tables by their largest values, not item by item.
 *
 * Nothing but `return used` follows the loop; what the walk finds goes into `walk` as it changes.
 * V8 compiles a long loop while it runs (on-stack replacement), before the code after it has run
 * once, and keeps that code for later calls: a property access after the loop, with no type
 * feedback, threw it away at the end of every call (Node 22; the next call started unoptimized).
 */
function walkBody(body: Uint8Array, walk: BodyWalk): number {
  const end = body.byteLength;
  const partitionKeys = walk.partitionKeys;
  const explicitHashKeys = walk.explicitHashKeys;
  let table = walk.table;
  let capacity = table.length | 0;
  let used = 0;
  let maxPartitionKeyIndex = -1;
  let maxExplicitHashKeyIndex = -1;
  let offset = 0;

  while (offset < end) {
    let tag = body[offset] as number;
    if (tag < 0x80) offset += 1;
    else {
      tag = slowVarint(body, offset, walk);
      offset = walk.end;
    }
    if (tag === TAG_RECORD) {
      const start = offset;
      let length = body[offset];
      if (length !== undefined && length < 0x80) offset += 1;
      else {
        length = slowVarint(body, offset, walk);
        offset = walk.end;
      }
      const recordEnd = offset + length;
      if (recordEnd > end) {
        throw new KplDecodeError(`length-delimited field of ${length} bytes is truncated`, start);
      }
      if (used + FIELDS_PER_RECORD > capacity) {
        table = growTable(table, used, used + FIELDS_PER_RECORD);
        walk.table = table;
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
          if (index > maxPartitionKeyIndex) {
            maxPartitionKeyIndex = index;
            walk.maxPartitionKeyIndex = index;
          }
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
          field = slowVarint(body, offset, walk);
          offset = walk.end;
        }
        if (field === TAG_PARTITION_KEY_INDEX) {
          const index = body[offset];
          if (index !== undefined && index < 0x80) {
            partitionKeyIndex = index;
            offset += 1;
          } else {
            partitionKeyIndex = slowVarint(body, offset, walk);
            offset = walk.end;
          }
        } else if (field === TAG_DATA) {
          const at = offset;
          const dataLength = readVarint(body, offset, walk);
          offset = walk.end;
          dataEnd = offset + dataLength;
          if (dataEnd > recordEnd) {
            throw new KplDecodeError(`length-delimited field of ${dataLength} bytes is truncated`, at);
          }
          dataStart = offset;
          offset = dataEnd;
        } else if (field === TAG_EXPLICIT_HASH_KEY_INDEX) {
          explicitHashKeyIndex = readVarint(body, offset, walk);
          offset = walk.end;
        } else {
          offset = skipField(body, field, offset, recordEnd, walk, 1);
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
      if (partitionKeyIndex > maxPartitionKeyIndex) {
        maxPartitionKeyIndex = partitionKeyIndex;
        walk.maxPartitionKeyIndex = partitionKeyIndex;
      }
      if (explicitHashKeyIndex > maxExplicitHashKeyIndex) {
        maxExplicitHashKeyIndex = explicitHashKeyIndex;
        walk.maxExplicitHashKeyIndex = explicitHashKeyIndex;
      }
      if (partitionKeyIndex > MAX_INDEX || explicitHashKeyIndex > MAX_INDEX) {
        // Kept aside for the error that names it; -2 in the table is out of range all the same.
        const largeIndexes = (walk.largeIndexes ??= new Map());
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
      const length = readVarint(body, offset, walk);
      offset = walk.end;
      const valueEnd = offset + length;
      if (valueEnd > end) {
        throw new KplDecodeError(`length-delimited field of ${length} bytes is truncated`, at);
      }
      (tag === TAG_PARTITION_KEY ? partitionKeys : explicitHashKeys).push(offset, valueEnd);
      offset = valueEnd;
    } else {
      offset = skipField(body, tag, offset, end, walk, 0);
    }
  }
  return used;
}
