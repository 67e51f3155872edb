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
 */
export class KplAccumulator implements RecordAccumulator {
  private readonly limit: number;
  private first: AggregatorEntry | undefined;
  private data: Uint8Array[] = [];
  private partitionKeyIndexes: number[] = [];
  private explicitHashKeyIndexes: number[] = [];
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
    this.explicitHashKeyIndexes = [];
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
    if (this.pendingNewExplicitHashKey) {
      this.explicitHashKeys.set(entry.explicitHashKey as string, this.pendingExplicitHashKeyIndex);
    }
    this.data.push(entry.data);
    this.partitionKeyIndexes.push(this.pendingPartitionKeyIndex);
    this.explicitHashKeyIndexes.push(this.pendingExplicitHashKeyIndex);
    this.bodyBytes += bodyBytes;
  }

  private encode(): Uint8Array {
    const out = Buffer.allocUnsafe(KPL_OVERHEAD_BYTES + this.bodyBytes);
    out.set(KPL_MAGIC, 0);
    let offset = KPL_MAGIC.length;
    // Map iteration order is insertion order, which is index order.
    for (const key of this.partitionKeys.keys()) offset = writeString(out, offset, TAG_PARTITION_KEY, key);
    for (const key of this.explicitHashKeys.keys()) {
      offset = writeString(out, offset, TAG_EXPLICIT_HASH_KEY, key);
    }
    const { data, partitionKeyIndexes, explicitHashKeyIndexes } = this;
    for (let i = 0; i < data.length; i += 1) {
      const bytes = data[i] as Uint8Array;
      const partitionKeyIndex = partitionKeyIndexes[i] as number;
      const explicitHashKeyIndex = explicitHashKeyIndexes[i] as number;
      const dataLength = bytes.byteLength;
      let recordBytes = 2 + varintSize(partitionKeyIndex) + varintSize(dataLength) + dataLength;
      if (explicitHashKeyIndex !== -1) recordBytes += 1 + varintSize(explicitHashKeyIndex);
      out[offset] = TAG_RECORD;
      offset = writeVarint(out, offset + 1, recordBytes);
      out[offset] = TAG_PARTITION_KEY_INDEX;
      offset = writeVarint(out, offset + 1, partitionKeyIndex);
      if (explicitHashKeyIndex !== -1) {
        out[offset] = TAG_EXPLICIT_HASH_KEY_INDEX;
        offset = writeVarint(out, offset + 1, explicitHashKeyIndex);
      }
      out[offset] = TAG_DATA;
      offset = writeVarint(out, offset + 1, dataLength);
      out.set(bytes, offset);
      offset += dataLength;
    }
    const digest = createHash('md5').update(out.subarray(KPL_MAGIC.length, offset)).digest();
    out.set(digest, offset);
    return out;
  }
}

function writeString(out: Buffer, offset: number, tag: number, value: string): number {
  out[offset] = tag;
  const length = Buffer.byteLength(value, 'utf8');
  offset = writeVarint(out, offset + 1, length);
  return offset + out.write(value, offset, length, 'utf8');
}
