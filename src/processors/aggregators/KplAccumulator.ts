import { Buffer } from '../../platform/buffer.js';
import { createHash } from '../../platform/crypto.js';
import { RecordTooLargeError } from '../errors/RecordTooLargeError.js';
import type {
  AggregatedRecord,
  AggregatorEntry,
  RecordAccumulator,
  TextAggregatorEntry,
} from '../Aggregator.js';
import type { DigestSink, PendingDigest, RecordWithDigest } from './deferredDigest.js';
import { KPL_DIGEST_SIZE, KPL_MAGIC, KPL_OVERHEAD } from './kplFormat.js';
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
const KPL_DIGEST_BYTES = KPL_DIGEST_SIZE;
const KPL_MAGIC_BYTES = KPL_MAGIC.length;

/** Bytes kept in front of the first record's sub-records for the magic and the key tables. */
const FIRST_HEAD_ROOM = 512;
/** Smallest buffer a record starts in (when it outgrows it, it moves to one of the most it can take). */
const MIN_CAPACITY = 64 * 1024;

/**
 * Packs entries into KPL aggregated records: magic, AggregatedRecord protobuf with
 * partition-key and explicit-hash-key tables, MD5 of the protobuf. The outer record takes the
 * first entry's partition key and explicit hash key; every entry keeps its own keys inside.
 * Size = 4 + protobuf + 16 + outer partition key UTF-8 bytes, computed exactly as entries come.
 *
 * Each entry's sub-record message is written into the record's buffer as it is added (its data
 * copied once, while it is fresh); the key tables and the magic go in front of them at flush(),
 * into room kept before the first sub-record (sized from the previous record's tables; the
 * sub-records move once when the tables outgrow it), and the MD5 behind them. The buffer starts
 * at the previous record's size (at least 64 KiB; when outgrown, the most the limit allows), so
 * that a full record is written without a copy and a small one does not hold a large buffer. Per entry, the common
 * case (a partition key already in the table, no explicit hash key) is one table lookup, a few
 * additions and the bytes.
 *
 * Entries come as bytes (add) or, on the text path, as text (addText): a text is written into
 * the record's buffer as its UTF-8 bytes (Latin-1 for ASCII texts, the same bytes), with no
 * buffer of its own; the record's bytes are the same either way.
 */
export class KplAccumulator implements RecordAccumulator {
  private readonly limit: number;
  /** The record's partition key and explicit hash key (its first entry's); open while count > 0. */
  private firstPartitionKey = '';
  private firstExplicitHashKey: string | undefined;
  private count = 0;
  private partitionKeys = new Map<string, number>();
  private explicitHashKeys = new Map<string, number>();
  /** Bytes of the key table fields (part of bodyBytes). */
  private tableBytes = 0;
  private bodyBytes = 0;
  private outerKeyBytes = 0;
  // The open record's buffer (as a Buffer for string writes and the result, and as a plain
  // Uint8Array for element writes: faster than through the Buffer subclass), where its first
  // sub-record starts (`head`) and the next byte (`at`).
  private buffer: Buffer = Buffer.alloc(0);
  private out: Uint8Array = new Uint8Array(0);
  private head = 0;
  private at = 0;
  // Learnt from the previous record: the next one's buffer size and room for the tables.
  private nextCapacity = MIN_CAPACITY;
  private nextHeadRoom = FIRST_HEAD_ROOM;
  // What measure() found for the entry being added: its table indexes and whether its keys
  // are new to the tables (kept in fields so that adding allocates nothing).
  private pendingPartitionKeyIndex = 0;
  private pendingNewPartitionKey = false;
  private pendingExplicitHashKeyIndex = -1;
  private pendingNewExplicitHashKey = false;
  private pendingPartitionKeyBytes = 0;
  private pendingExplicitHashKeyBytes = 0;
  /** Where checksums go to be computed elsewhere (see deferDigests), and the last record's. */
  private digestSink: DigestSink | undefined;
  private pendingDigest: PendingDigest | undefined;

  constructor(maxRecordBytes: number) {
    this.limit = validateMaxRecordBytes(maxRecordBytes);
  }

  get itemCount(): number {
    return this.count;
  }

  /**
   * Records' MD5 checksums go to `sink`, which may take them over: such a record carries a
   * `pendingDigest` and its last 16 bytes are written only once that is done.
   */
  deferDigests(sink: DigestSink | undefined): void {
    this.digestSink = sink;
  }

  get size(): number {
    return this.count === 0 ? 0 : KPL_OVERHEAD_BYTES + this.bodyBytes + this.outerKeyBytes;
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
    if (alone > this.limit) throw new RecordTooLargeError(alone, this.limit);
    if (data === undefined) {
      // A text whose byte count is wrong must fail before the open record closes: written into a
      // scratch buffer first (rare path: the first item of a record).
      const scratch = Buffer.allocUnsafe(dataLength);
      if (
        scratch.write(text, 0, dataLength, encoding) !== dataLength ||
        Buffer.byteLength(text, encoding) !== dataLength
      ) {
        throw wrongByteCount(dataLength);
      }
    }
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
    if (this.count === 0) return undefined;
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
    this.partitionKeys = new Map();
    this.explicitHashKeys = new Map();
    this.tableBytes = 0;
    this.bodyBytes = 0;
    this.outerKeyBytes = 0;
    this.buffer = Buffer.alloc(0);
    this.out = new Uint8Array(0);
    return record;
  }

  /** A new buffer for a record whose first entry adds `bodyBytes`. */
  private open(bodyBytes: number): void {
    const head = this.nextHeadRoom;
    const capacity = Math.max(this.nextCapacity, head + bodyBytes + KPL_DIGEST_BYTES);
    this.setBuffer(Buffer.allocUnsafe(capacity));
    this.head = head;
    this.at = head;
  }

  private setBuffer(buffer: Buffer): void {
    this.buffer = buffer;
    this.out = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /**
   * Makes room for `bytes` more bytes (and the digest) after `at`: a buffer of the most the
   * record can take (one move of what is written, rather than one per doubling).
   */
  private grow(bytes: number): void {
    const needed = this.at + bytes + KPL_DIGEST_BYTES;
    const capacity = Math.max(needed, this.head + this.limit + KPL_DIGEST_BYTES);
    const previous = this.out;
    this.setBuffer(Buffer.allocUnsafe(capacity));
    this.out.set(previous.subarray(this.head, this.at), this.head);
  }

  /**
   * Bytes the entry would add to the protobuf body: its Record message plus any key new to the
   * tables (`fresh`: measured against empty tables). Leaves the details in the pending fields.
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

  /**
   * Writes a text's bytes at `at` and throws, changing nothing the record counts, when they are
   * not `bytes` long. The write may take up to 4 bytes more (the digest's room behind the data is
   * free), so a text longer than it should be shows as one.
   */
  private writeText(text: string, at: number, bytes: number, encoding: 'latin1' | 'utf8'): void {
    const written = this.buffer.write(text, at, Math.min(bytes + 4, this.out.length - at), encoding);
    if (written !== bytes) throw wrongByteCount(bytes);
  }

  /**
   * The record: magic and key tables written in front of the sub-records (moving them first
   * when the room kept is too small), the MD5 of the protobuf behind them. A record that fills
   * less than half its buffer is copied into one of its own size.
   */
  private finish(): Uint8Array {
    const tableBytes = this.tableBytes;
    let head = this.head;
    let at = this.at;
    if (head < KPL_MAGIC_BYTES + tableBytes) {
      // The tables outgrew the room: the sub-records move behind them.
      const newHead = KPL_MAGIC_BYTES + tableBytes + 64;
      const shift = newHead - head;
      if (at + shift + KPL_DIGEST_BYTES > this.out.length) {
        const previous = this.out;
        this.setBuffer(Buffer.allocUnsafe(at + shift + KPL_DIGEST_BYTES));
        this.out.set(previous.subarray(head, at), newHead);
      } else {
        this.out.copyWithin(newHead, head, at);
      }
      head = newHead;
      at += shift;
    }
    const { buffer, out } = this;
    const start = head - tableBytes - KPL_MAGIC_BYTES;
    out.set(KPL_MAGIC, start);
    let offset = start + KPL_MAGIC_BYTES;
    // Map iteration order is insertion order, which is index order.
    for (const key of this.partitionKeys.keys()) {
      offset = writeString(buffer, out, offset, TAG_PARTITION_KEY, key);
    }
    for (const key of this.explicitHashKeys.keys()) {
      offset = writeString(buffer, out, offset, TAG_EXPLICIT_HASH_KEY, key);
    }
    const end = at + KPL_DIGEST_BYTES;
    // The next record starts with what this one needed.
    this.nextHeadRoom = Math.max(FIRST_HEAD_ROOM, KPL_MAGIC_BYTES + tableBytes + 64);
    // (a record filled past half the limit was most likely closed full: the next gets the most.)
    this.nextCapacity =
      2 * (end - start) > this.limit
        ? this.nextHeadRoom + this.limit + KPL_DIGEST_BYTES
        : Math.max(MIN_CAPACITY, this.nextHeadRoom + (end - head));
    const data =
      2 * (end - start) < out.length ? Buffer.from(out.subarray(start, end)) : buffer.subarray(start, end);
    // The MD5 of the protobuf bytes (after the magic), written behind them now or, when a sink
    // takes it over, once it is computed.
    const message = data.subarray(KPL_MAGIC_BYTES, data.length - KPL_DIGEST_BYTES);
    const trailer = data.subarray(data.length - KPL_DIGEST_BYTES);
    this.pendingDigest = this.digestSink?.(message, trailer);
    if (this.pendingDigest === undefined) trailer.set(createHash('md5').update(message).digest());
    return data;
  }
}

/** Writes a tag and a varint at `at` (one-byte values inline); returns the offset after them. */
function writeField(out: Uint8Array, at: number, tag: number, value: number): number {
  out[at] = tag;
  if (value < 0x80) {
    out[at + 1] = value;
    return at + 2;
  }
  return writeVarint(out, at + 1, value);
}

function writeString(record: Buffer, out: Uint8Array, offset: number, tag: number, value: string): number {
  out[offset] = tag;
  const length = Buffer.byteLength(value, 'utf8');
  offset = writeVarint(out, offset + 1, length);
  return offset + record.write(value, offset, length, 'utf8');
}

function wrongByteCount(bytes: number): TypeError {
  return new TypeError(`the text does not take the ${bytes} bytes its entry says`);
}
