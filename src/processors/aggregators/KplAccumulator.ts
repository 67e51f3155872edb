import { Buffer } from '../../platform/buffer.js';
import { validateExplicitHashKey, validatePartitionKey } from '../../kinesis/hashKey.js';
import { RecordTooLargeError } from '../errors/RecordTooLargeError.js';
import type {
  AggregatedRecord,
  AggregatorEntry,
  RecordAccumulator,
  TextAggregatorEntry,
} from '../Aggregator.js';
import type { RecordWithDigest } from './deferredDigest.js';
import { KPL_DIGEST_SIZE, KPL_OVERHEAD, hasKplMagic } from './kplFormat.js';
import * as protobuf from './kplProtobuf.js';
import * as recordBuffer from './KplRecordBuffer.js';

// Local copies of the protobuf and buffer helpers: the hot loops then call them directly rather
// than through a module binding on every item.
const TAG_DATA = protobuf.TAG_DATA;
const TAG_EXPLICIT_HASH_KEY_INDEX = protobuf.TAG_EXPLICIT_HASH_KEY_INDEX;
const TAG_PARTITION_KEY_INDEX = protobuf.TAG_PARTITION_KEY_INDEX;
const TAG_RECORD = protobuf.TAG_RECORD;
const fieldSize = protobuf.fieldSize;
const varintSize = protobuf.varintSize;
const writeField = recordBuffer.writeField;
const wrongByteCount = recordBuffer.wrongByteCount;
const KPL_OVERHEAD_BYTES = KPL_OVERHEAD;
const KPL_DIGEST_BYTES = KPL_DIGEST_SIZE;

/**
 * Packs entries into KPL aggregated records: magic, AggregatedRecord protobuf with
 * partition-key and explicit-hash-key tables, MD5 of the protobuf. The outer record takes the
 * first entry's partition key and explicit hash key; every entry keeps its own keys inside.
 * Size = 4 + protobuf + 16 + outer partition key UTF-8 bytes, computed exactly as entries come.
 *
 * Each entry's sub-record message is written into the record's buffer (KplRecordBuffer) as it
 * is added (its data copied once, while it is fresh); the key tables and the magic go in front
 * of them at flush(), and the MD5 behind them. Per entry, the common case (a partition key
 * already in the table, no explicit hash key) is one table lookup, a few additions and the bytes.
 *
 * Entries come as bytes (add) or, on the text path, as text (addText): a text is written into
 * the record's buffer as its UTF-8 bytes (Latin-1 for ASCII texts, the same bytes), with no
 * buffer of its own; the record's bytes are the same either way.
 *
 * An entry too large for an aggregated record of its own (the framing and its key twice do not
 * fit) whose data and key alone fit goes as a plain record, as the Java KPL sends it: its data as
 * they are, which every KPL reader reads as one item. It closes the open record and is held as
 * the open one, which nothing joins: the next add() or flush() closes it.
 */
export class KplAccumulator extends recordBuffer.KplRecordBuffer implements RecordAccumulator {
  /** The record's partition key and explicit hash key (its first entry's); open while count > 0. */
  private firstPartitionKey = '';
  private firstExplicitHashKey: string | undefined;
  private count = 0;
  /** Bytes of the protobuf body: the sub-record messages and the key tables. */
  private bodyBytes = 0;
  private outerKeyBytes = 0;
  // What measure() found for the entry being added: its table indexes and whether its keys
  // are new to the tables (kept in fields so that adding allocates nothing).
  private pendingPartitionKeyIndex = 0;
  private pendingNewPartitionKey = false;
  private pendingExplicitHashKeyIndex = -1;
  private pendingNewExplicitHashKey = false;
  private pendingPartitionKeyBytes = 0;
  private pendingExplicitHashKeyBytes = 0;
  /** The plain record held open (count is 0 meanwhile), its item count (0 or 1) and size. */
  private plain: AggregatedRecord | undefined;
  private plainCount = 0;
  private plainSize = 0;

  get itemCount(): number {
    return this.count + this.plainCount;
  }

  get size(): number {
    return this.count === 0 ? this.plainSize : KPL_OVERHEAD_BYTES + this.bodyBytes + this.outerKeyBytes;
  }

  add(entry: AggregatorEntry): AggregatedRecord | undefined {
    return this.addItem(
      entry.partitionKey,
      entry.explicitHashKey,
      entry.data,
      entry.data.byteLength,
      '',
      'utf8',
    );
  }

  /**
   * Adds an item given as text: `bytes` its exact UTF-8 length, `encoding` latin1 for ASCII texts.
   * A text that takes another number of bytes throws a TypeError, and changes nothing.
   */
  addText(
    entry: TextAggregatorEntry,
    bytes: number,
    encoding: 'latin1' | 'utf8',
  ): AggregatedRecord | undefined {
    return this.addItem(entry.partitionKey, entry.explicitHashKey, undefined, bytes, entry.text, encoding);
  }

  /** Adds one item: its bytes (`data`), or `text` when data is undefined, of `dataLength` bytes. */
  private addItem(
    partitionKey: string,
    explicitHashKey: string | undefined,
    data: Uint8Array | undefined,
    dataLength: number,
    text: string,
    encoding: 'latin1' | 'utf8',
  ): AggregatedRecord | undefined {
    if (this.count > 0) {
      if (explicitHashKey === undefined) {
        // The common case: a known partition key and no explicit hash key.
        const index = this.partitionKeys.get(partitionKey);
        if (index !== undefined) {
          const recordBytes =
            (index < 0x80 ? 3 : 2 + varintSize(index)) +
            (dataLength < 0x80 ? 1 : varintSize(dataLength)) +
            dataLength;
          const messageBytes = 1 + (recordBytes < 0x80 ? 1 : varintSize(recordBytes)) + recordBytes;
          const bodyBytes = this.bodyBytes + messageBytes;
          if (KPL_OVERHEAD_BYTES + bodyBytes + this.outerKeyBytes <= this.limit) {
            if (this.at + messageBytes + KPL_DIGEST_BYTES > this.out.length) this.grow(messageBytes);
            const out = this.out;
            let at = writeField(out, this.at, TAG_RECORD, recordBytes);
            at = writeField(out, at, TAG_PARTITION_KEY_INDEX, index);
            at = writeField(out, at, TAG_DATA, dataLength);
            if (data !== undefined) out.set(data, at);
            else this.writeText(text, at, dataLength, encoding);
            this.at = at + dataLength;
            this.bodyBytes = bodyBytes;
            this.count += 1;
            return undefined;
          }
        }
      }
      const grown = this.measure(partitionKey, explicitHashKey, dataLength, false);
      if (KPL_OVERHEAD_BYTES + this.bodyBytes + grown + this.outerKeyBytes <= this.limit) {
        this.commit(partitionKey, explicitHashKey, data, dataLength, text, encoding, grown);
        return undefined;
      }
    }
    const bodyBytes = this.measure(partitionKey, explicitHashKey, dataLength, true);
    const keyBytes = this.pendingPartitionKeyBytes;
    const alone = KPL_OVERHEAD_BYTES + bodyBytes + keyBytes;
    if (alone > this.limit) {
      return this.addPlain(partitionKey, explicitHashKey, data, dataLength, text, encoding, keyBytes, alone);
    }
    // A text whose byte count is wrong must fail before the open record closes: written into a
    // scratch buffer first (rare path: the first item of a record).
    if (data === undefined) textBytes(text, dataLength, encoding);
    const closed = this.flush();
    // flush() reset the tables; measure(..., true) assumed exactly that.
    this.open(bodyBytes);
    this.firstPartitionKey = partitionKey;
    this.firstExplicitHashKey = explicitHashKey;
    this.outerKeyBytes = keyBytes;
    this.commit(partitionKey, explicitHashKey, data, dataLength, text, encoding, bodyBytes);
    return closed;
  }

  flush(): AggregatedRecord | undefined {
    if (this.count === 0) return this.plainCount === 0 ? undefined : this.takePlain();
    const data = this.finish();
    const explicitHashKey = this.firstExplicitHashKey;
    let record: RecordWithDigest =
      explicitHashKey === undefined
        ? {
            data,
            partitionKey: this.firstPartitionKey,
            itemCount: this.count,
            size: data.byteLength + this.outerKeyBytes,
          }
        : {
            data,
            partitionKey: this.firstPartitionKey,
            explicitHashKey,
            itemCount: this.count,
            size: data.byteLength + this.outerKeyBytes,
          };
    if (this.pendingDigest !== undefined) {
      record = { ...record, pendingDigest: this.pendingDigest };
      this.pendingDigest = undefined;
    }
    this.firstPartitionKey = '';
    this.firstExplicitHashKey = undefined;
    this.count = 0;
    this.bodyBytes = 0;
    this.outerKeyBytes = 0;
    this.resetRecord();
    return record;
  }

  /**
   * Holds an item too large to aggregate as a plain record (closing the open record, which it
   * returns), or throws RecordTooLargeError, changing nothing, when its data and key alone do not
   * fit either, or its data begin with the KPL magic (they would read as a broken aggregated record).
   */
  private addPlain(
    partitionKey: string,
    explicitHashKey: string | undefined,
    data: Uint8Array | undefined,
    dataLength: number,
    text: string,
    encoding: 'latin1' | 'utf8',
    keyBytes: number,
    alone: number,
  ): AggregatedRecord | undefined {
    const size = dataLength + keyBytes;
    if (size > this.limit) throw new RecordTooLargeError(alone, this.limit);
    // (data copied, as an aggregated record's: the caller's buffer may be reused)
    const bytes = data === undefined ? textBytes(text, dataLength, encoding) : data.slice();
    if (hasKplMagic(bytes)) throw new RecordTooLargeError(alone, this.limit);
    const closed = this.flush();
    this.plain =
      explicitHashKey === undefined
        ? { data: bytes, partitionKey, itemCount: 1, size }
        : { data: bytes, partitionKey, explicitHashKey, itemCount: 1, size };
    this.plainCount = 1;
    this.plainSize = size;
    return closed;
  }

  /** Closes and returns the plain record held open. */
  private takePlain(): AggregatedRecord | undefined {
    const record = this.plain;
    this.plain = undefined;
    this.plainCount = 0;
    this.plainSize = 0;
    return record;
  }

  /**
   * Bytes the entry would add to the protobuf body: its Record message plus any key new to the
   * tables (`fresh`: measured against empty tables). Leaves the details in the pending fields.
   * Throws InvalidOptionError, changing nothing, for a key new to the tables that PutRecords
   * would refuse (a partition key not of 1-256 UTF-16 code units or with a lone surrogate, an
   * explicit hash key not a decimal from 0 to 2^128-1): inside a record no service checks it.
   */
  private measure(
    partitionKey: string,
    explicitHashKey: string | undefined,
    dataLength: number,
    fresh: boolean,
  ): number {
    let bodyBytes = 0;
    const knownPartitionKey = fresh ? undefined : this.partitionKeys.get(partitionKey);
    let partitionKeyIndex: number;
    if (knownPartitionKey === undefined) {
      validatePartitionKey(partitionKey);
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
    if (explicitHashKey === undefined) {
      this.pendingExplicitHashKeyIndex = -1;
      this.pendingNewExplicitHashKey = false;
    } else {
      const known = fresh ? undefined : this.explicitHashKeys.get(explicitHashKey);
      let index: number;
      if (known === undefined) {
        validateExplicitHashKey(explicitHashKey);
        index = fresh ? 0 : this.explicitHashKeys.size;
        const keyBytes = Buffer.byteLength(explicitHashKey, 'utf8');
        this.pendingExplicitHashKeyBytes = keyBytes;
        bodyBytes += fieldSize(keyBytes);
        this.pendingNewExplicitHashKey = true;
      } else {
        index = known;
        this.pendingNewExplicitHashKey = false;
      }
      this.pendingExplicitHashKeyIndex = index;
      recordBytes += 1 + varintSize(index);
    }
    recordBytes += fieldSize(dataLength);
    return bodyBytes + fieldSize(recordBytes);
  }

  /**
   * Adds the measured item: its sub-record message to the buffer, then its keys to the tables
   * (a text of the wrong byte count throws before anything changes).
   */
  private commit(
    partitionKey: string,
    explicitHashKey: string | undefined,
    data: Uint8Array | undefined,
    dataLength: number,
    text: string,
    encoding: 'latin1' | 'utf8',
    bodyBytes: number,
  ): void {
    let messageBytes = bodyBytes;
    if (this.pendingNewPartitionKey) messageBytes -= fieldSize(this.pendingPartitionKeyBytes);
    const explicitHashKeyIndex = this.pendingExplicitHashKeyIndex;
    if (this.pendingNewExplicitHashKey) messageBytes -= fieldSize(this.pendingExplicitHashKeyBytes);
    if (this.at + messageBytes + KPL_DIGEST_BYTES > this.out.length) this.grow(messageBytes);
    const out = this.out;
    const partitionKeyIndex = this.pendingPartitionKeyIndex;
    let recordBytes = 2 + varintSize(partitionKeyIndex) + varintSize(dataLength) + dataLength;
    if (explicitHashKeyIndex !== -1) recordBytes += 1 + varintSize(explicitHashKeyIndex);
    let at = writeField(out, this.at, TAG_RECORD, recordBytes);
    at = writeField(out, at, TAG_PARTITION_KEY_INDEX, partitionKeyIndex);
    if (explicitHashKeyIndex !== -1)
      at = writeField(out, at, TAG_EXPLICIT_HASH_KEY_INDEX, explicitHashKeyIndex);
    at = writeField(out, at, TAG_DATA, dataLength);
    if (data !== undefined) out.set(data, at);
    else this.writeText(text, at, dataLength, encoding);
    if (this.pendingNewPartitionKey) {
      this.partitionKeys.set(partitionKey, this.pendingPartitionKeyIndex);
      this.tableBytes += fieldSize(this.pendingPartitionKeyBytes);
    }
    if (this.pendingNewExplicitHashKey) {
      this.explicitHashKeys.set(explicitHashKey as string, explicitHashKeyIndex);
      this.tableBytes += fieldSize(this.pendingExplicitHashKeyBytes);
    }
    this.at = at + dataLength;
    this.bodyBytes += bodyBytes;
    this.count += 1;
  }
}

/** The text's bytes in a buffer of its own; a TypeError when it does not take `bytes` bytes. */
function textBytes(text: string, bytes: number, encoding: 'latin1' | 'utf8'): Buffer {
  const scratch = Buffer.allocUnsafe(bytes);
  if (scratch.write(text, 0, bytes, encoding) !== bytes || Buffer.byteLength(text, encoding) !== bytes) {
    throw wrongByteCount(bytes);
  }
  return scratch;
}
