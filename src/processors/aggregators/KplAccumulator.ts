import { Buffer } from '../../platform/buffer.js';
import { createHash } from '../../platform/crypto.js';
import { RecordTooLargeError } from '../errors/RecordTooLargeError.js';
import type { AggregatedRecord, AggregatorEntry, RecordAccumulator } from '../Aggregator.js';
import { KPL_MAGIC, KPL_OVERHEAD } from './kplFormat.js';
import * as protobuf from './kplProtobuf.js';
import { validateMaxRecordBytes } from './validateMaxRecordBytes.js';

// Local copies of the protobuf helpers: the hot loops then call them directly rather than
// through a module binding on every item.
const TAG_DATA = protobuf.TAG_DATA;
const TAG_EXPLICIT_HASH_KEY = protobuf.TAG_EXPLICIT_HASH_KEY;
const TAG_EXPLICIT_HASH_KEY_INDEX = protobuf.TAG_EXPLICIT_HASH_KEY_INDEX;
const TAG_PARTITION_KEY = protobuf.TAG_PARTITION_KEY;
const TAG_PARTITION_KEY_INDEX = protobuf.TAG_PARTITION_KEY_INDEX;
const TAG_RECORD = protobuf.TAG_RECORD;
const fieldSize = protobuf.fieldSize;
const varintSize = protobuf.varintSize;
const writeVarint = protobuf.writeVarint;
const KPL_OVERHEAD_BYTES = KPL_OVERHEAD;

/**
 * Packs entries into KPL aggregated records: magic, AggregatedRecord protobuf with
 * partition-key and explicit-hash-key tables, MD5 of the protobuf. The outer record takes the
 * first entry's partition key and explicit hash key; every entry keeps its own keys inside.
 * Size = 4 + protobuf + 16 + outer partition key UTF-8 bytes, computed exactly as entries come.
 *
 * Per entry, the common case (a partition key already in the table, no explicit hash key) is one
 * table lookup, a few additions and two array pushes; the bytes are written once, at flush().
 */
export class KplAccumulator implements RecordAccumulator {
  private readonly limit: number;
  private first: AggregatorEntry | undefined;
  private data: Uint8Array[] = [];
  private partitionKeyIndexes: number[] = [];
  // Per entry: its explicit hash key index, or -1. Undefined until an entry of the open record
  // has an explicit hash key (most records have none), then filled with -1 for those before.
  private explicitHashKeyIndexes: number[] | undefined;
  private partitionKeys = new Map<string, number>();
  private explicitHashKeys = new Map<string, number>();
  private bodyBytes = 0;
  private outerKeyBytes = 0;
  // What measure() found for the entry being added: its table indexes and whether its keys
  // are new to the tables (kept in fields so that adding allocates nothing).
  private pendingPartitionKeyIndex = 0;
  private pendingNewPartitionKey = false;
  private pendingExplicitHashKeyIndex = -1;
  private pendingNewExplicitHashKey = false;
  private pendingPartitionKeyBytes = 0;

  constructor(maxRecordBytes: number) {
    this.limit = validateMaxRecordBytes(maxRecordBytes);
  }

  get itemCount(): number {
    return this.data.length;
  }

  get size(): number {
    return this.first === undefined ? 0 : KPL_OVERHEAD_BYTES + this.bodyBytes + this.outerKeyBytes;
  }

  add(entry: AggregatorEntry): AggregatedRecord | undefined {
    if (this.first !== undefined) {
      if (entry.explicitHashKey === undefined) {
        // The common case: a known partition key and no explicit hash key.
        const index = this.partitionKeys.get(entry.partitionKey);
        if (index !== undefined) {
          const data = entry.data;
          const dataLength = data.byteLength;
          const recordBytes =
            (index < 0x80 ? 3 : 2 + varintSize(index)) +
            (dataLength < 0x80 ? 1 : varintSize(dataLength)) +
            dataLength;
          const bodyBytes = this.bodyBytes + 1 + varintSize(recordBytes) + recordBytes;
          if (KPL_OVERHEAD_BYTES + bodyBytes + this.outerKeyBytes <= this.limit) {
            this.data.push(data);
            this.partitionKeyIndexes.push(index);
            if (this.explicitHashKeyIndexes !== undefined) this.explicitHashKeyIndexes.push(-1);
            this.bodyBytes = bodyBytes;
            return undefined;
          }
        }
      }
      const grown = this.measure(entry, false);
      if (KPL_OVERHEAD_BYTES + this.bodyBytes + grown + this.outerKeyBytes <= this.limit) {
        this.commit(entry, grown);
        return undefined;
      }
    }
    const bodyBytes = this.measure(entry, true);
    const keyBytes = this.pendingPartitionKeyBytes;
    const alone = KPL_OVERHEAD_BYTES + bodyBytes + keyBytes;
    if (alone > this.limit) throw new RecordTooLargeError(alone, this.limit);
    const closed = this.flush();
    // flush() reset the tables; measure(entry, true) assumed exactly that.
    this.first = entry;
    this.outerKeyBytes = keyBytes;
    this.commit(entry, bodyBytes);
    return closed;
  }

  flush(): AggregatedRecord | undefined {
    const first = this.first;
    if (first === undefined) return undefined;
    const data = this.encode();
    const record: AggregatedRecord = {
      data,
      partitionKey: first.partitionKey,
      ...(first.explicitHashKey === undefined ? {} : { explicitHashKey: first.explicitHashKey }),
      itemCount: this.data.length,
      size: data.byteLength + this.outerKeyBytes,
    };
    this.first = undefined;
    this.data = [];
    this.partitionKeyIndexes = [];
    this.explicitHashKeyIndexes = undefined;
    this.partitionKeys = new Map();
    this.explicitHashKeys = new Map();
    this.bodyBytes = 0;
    this.outerKeyBytes = 0;
    return record;
  }

  /**
   * Bytes the entry would add to the protobuf body: its Record message plus any key new to the
   * tables (`fresh`: measured against empty tables). Leaves the details in the pending fields.
   */
  private measure(entry: AggregatorEntry, fresh: boolean): number {
    let bodyBytes = 0;
    const partitionKey = entry.partitionKey;
    const knownPartitionKey = fresh ? undefined : this.partitionKeys.get(partitionKey);
    let partitionKeyIndex: number;
    if (knownPartitionKey === undefined) {
      partitionKeyIndex = fresh ? 0 : this.partitionKeys.size;
      const keyBytes = Buffer.byteLength(partitionKey, 'utf8');
      this.pendingPartitionKeyBytes = keyBytes;
      this.pendingNewPartitionKey = true;
      bodyBytes += fieldSize(keyBytes);
    } else {
      partitionKeyIndex = knownPartitionKey;
      this.pendingNewPartitionKey = false;
    }
    this.pendingPartitionKeyIndex = partitionKeyIndex;
    let recordBytes = 1 + varintSize(partitionKeyIndex);
    const explicitHashKey = entry.explicitHashKey;
    if (explicitHashKey === undefined) {
      this.pendingExplicitHashKeyIndex = -1;
      this.pendingNewExplicitHashKey = false;
    } else {
      const known = fresh ? undefined : this.explicitHashKeys.get(explicitHashKey);
      let index: number;
      if (known === undefined) {
        index = fresh ? 0 : this.explicitHashKeys.size;
        bodyBytes += fieldSize(Buffer.byteLength(explicitHashKey, 'utf8'));
        this.pendingNewExplicitHashKey = true;
      } else {
        index = known;
        this.pendingNewExplicitHashKey = false;
      }
      this.pendingExplicitHashKeyIndex = index;
      recordBytes += 1 + varintSize(index);
    }
    recordBytes += fieldSize(entry.data.byteLength);
    return bodyBytes + fieldSize(recordBytes);
  }

  private commit(entry: AggregatorEntry, bodyBytes: number): void {
    if (this.pendingNewPartitionKey) {
      this.partitionKeys.set(entry.partitionKey, this.pendingPartitionKeyIndex);
    }
    const explicitHashKeyIndex = this.pendingExplicitHashKeyIndex;
    if (this.pendingNewExplicitHashKey) {
      this.explicitHashKeys.set(entry.explicitHashKey as string, explicitHashKeyIndex);
    }
    if (this.explicitHashKeyIndexes !== undefined) {
      this.explicitHashKeyIndexes.push(explicitHashKeyIndex);
    } else if (explicitHashKeyIndex !== -1) {
      const indexes = new Array<number>(this.data.length + 1).fill(-1);
      indexes[this.data.length] = explicitHashKeyIndex;
      this.explicitHashKeyIndexes = indexes;
    }
    this.data.push(entry.data);
    this.partitionKeyIndexes.push(this.pendingPartitionKeyIndex);
    this.bodyBytes += bodyBytes;
  }

  private encode(): Uint8Array {
    const record = Buffer.allocUnsafe(KPL_OVERHEAD_BYTES + this.bodyBytes);
    // Written element by element through a plain Uint8Array view (faster than through the
    // Buffer subclass), the tables' strings through the Buffer.
    const out = new Uint8Array(record.buffer, record.byteOffset, record.byteLength);
    out.set(KPL_MAGIC, 0);
    let offset = KPL_MAGIC.length;
    // Map iteration order is insertion order, which is index order.
    for (const key of this.partitionKeys.keys()) {
      offset = writeString(record, out, offset, TAG_PARTITION_KEY, key);
    }
    for (const key of this.explicitHashKeys.keys()) {
      offset = writeString(record, out, offset, TAG_EXPLICIT_HASH_KEY, key);
    }
    const { data, partitionKeyIndexes, explicitHashKeyIndexes } = this;
    const count = data.length;
    for (let i = 0; i < count; i += 1) {
      const bytes = data[i] as Uint8Array;
      const partitionKeyIndex = partitionKeyIndexes[i] as number;
      const explicitHashKeyIndex =
        explicitHashKeyIndexes === undefined ? -1 : (explicitHashKeyIndexes[i] as number);
      const dataLength = bytes.byteLength;
      let recordBytes = 2 + varintSize(partitionKeyIndex) + varintSize(dataLength) + dataLength;
      if (explicitHashKeyIndex !== -1) recordBytes += 1 + varintSize(explicitHashKeyIndex);
      out[offset] = TAG_RECORD;
      offset = writeVarint(out, offset + 1, recordBytes);
      out[offset] = TAG_PARTITION_KEY_INDEX;
      if (partitionKeyIndex < 0x80) {
        out[offset + 1] = partitionKeyIndex;
        offset += 2;
      } else {
        offset = writeVarint(out, offset + 1, partitionKeyIndex);
      }
      if (explicitHashKeyIndex !== -1) {
        out[offset] = TAG_EXPLICIT_HASH_KEY_INDEX;
        offset = writeVarint(out, offset + 1, explicitHashKeyIndex);
      }
      out[offset] = TAG_DATA;
      if (dataLength < 0x80) {
        out[offset + 1] = dataLength;
        offset += 2;
      } else {
        offset = writeVarint(out, offset + 1, dataLength);
      }
      out.set(bytes, offset);
      offset += dataLength;
    }
    const digest = createHash('md5').update(out.subarray(KPL_MAGIC.length, offset)).digest();
    out.set(digest, offset);
    return record;
  }
}

function writeString(record: Buffer, out: Uint8Array, offset: number, tag: number, value: string): number {
  out[offset] = tag;
  const length = Buffer.byteLength(value, 'utf8');
  offset = writeVarint(out, offset + 1, length);
  return offset + record.write(value, offset, length, 'utf8');
}
