import { Buffer } from '../../platform/buffer.js';
import { createHash } from '../../platform/crypto.js';
import type { DigestSink, PendingDigest } from './deferredDigest.js';
import { KPL_DIGEST_SIZE, KPL_MAGIC } from './kplFormat.js';
import * as protobuf from './kplProtobuf.js';
import { validateMaxRecordBytes } from './validateMaxRecordBytes.js';

const TAG_EXPLICIT_HASH_KEY = protobuf.TAG_EXPLICIT_HASH_KEY;
const TAG_PARTITION_KEY = protobuf.TAG_PARTITION_KEY;
const writeVarint = protobuf.writeVarint;
const KPL_DIGEST_BYTES = KPL_DIGEST_SIZE;
const KPL_MAGIC_BYTES = KPL_MAGIC.length;

/** Bytes kept in front of the first record's sub-records for the magic and the key tables. */
const FIRST_HEAD_ROOM = 512;
/** Smallest buffer a record starts in (when it outgrows it, it moves to one of the most it can take). */
const MIN_CAPACITY = 64 * 1024;

/**
 * The bytes of the KPL aggregated record being built: the buffer its sub-record messages are
 * written into as entries come (KplAccumulator decides what goes in), its partition-key and
 * explicit-hash-key tables, and the closing of it: magic and tables written in front of the
 * sub-records, into room kept before the first one (sized from the previous record's tables;
 * the sub-records move once when the tables outgrow it), and the MD5 behind them. The buffer
 * starts at the previous record's size (at least 64 KiB; when outgrown, the most the limit
 * allows), so that a full record is written without a copy and a small one does not hold a
 * large buffer.
 *
 * KplAccumulator extends it rather than holding one: the per-entry writes then reach the buffer
 * and the tables as fields of the accumulator itself, with no object in between.
 */
export abstract class KplRecordBuffer {
  protected readonly limit: number;
  /** The key tables: each key's index, in insertion (index) order. */
  protected partitionKeys = new Map<string, number>();
  protected explicitHashKeys = new Map<string, number>();
  /** Bytes of the key table fields (part of the protobuf body). */
  protected tableBytes = 0;
  // The open record's buffer (as a Buffer for string writes and the result, and as a plain
  // Uint8Array for element writes: faster than through the Buffer subclass), where its first
  // sub-record starts (`head`) and the next byte (`at`).
  protected buffer: Buffer = Buffer.alloc(0);
  protected out: Uint8Array = new Uint8Array(0);
  protected head = 0;
  protected at = 0;
  // Learnt from the previous record: the next one's buffer size and room for the tables.
  private nextCapacity = MIN_CAPACITY;
  private nextHeadRoom = FIRST_HEAD_ROOM;
  /** Where checksums go to be computed elsewhere (see deferDigests), and the last record's. */
  private digestSink: DigestSink | undefined;
  protected pendingDigest: PendingDigest | undefined;

  constructor(maxRecordBytes: number) {
    this.limit = validateMaxRecordBytes(maxRecordBytes);
  }

  /**
   * Records' MD5 checksums go to `sink`, which may take them over: such a record carries a
   * `pendingDigest` and its last 16 bytes are written only once that is done.
   */
  deferDigests(sink: DigestSink | undefined): void {
    this.digestSink = sink;
  }

  /** Empties the tables and lets the closed record's buffer go. */
  protected resetRecord(): void {
    this.partitionKeys = new Map();
    this.explicitHashKeys = new Map();
    this.tableBytes = 0;
    this.buffer = Buffer.alloc(0);
    this.out = new Uint8Array(0);
  }

  /** A new buffer for a record whose first entry adds `bodyBytes`. */
  protected open(bodyBytes: number): void {
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
  protected grow(bytes: number): void {
    const needed = this.at + bytes + KPL_DIGEST_BYTES;
    const capacity = Math.max(needed, this.head + this.limit + KPL_DIGEST_BYTES);
    const previous = this.out;
    this.setBuffer(Buffer.allocUnsafe(capacity));
    this.out.set(previous.subarray(this.head, this.at), this.head);
  }

  /**
   * Writes a text's bytes at `at` and throws, changing nothing the record counts, when they are
   * not `bytes` long. The write may take up to 4 bytes more (the digest's room behind the data is
   * free), so a text longer than it should be shows as one.
   */
  protected writeText(text: string, at: number, bytes: number, encoding: 'latin1' | 'utf8'): void {
    const written = this.buffer.write(text, at, Math.min(bytes + 4, this.out.length - at), encoding);
    if (written !== bytes) throw wrongByteCount(bytes);
  }

  /**
   * The record: magic and key tables written in front of the sub-records (moving them first
   * when the room kept is too small), the MD5 of the protobuf behind them. A record that fills
   * less than half its buffer is copied into one of its own size.
   */
  protected finish(): Uint8Array {
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
export function writeField(out: Uint8Array, at: number, tag: number, value: number): number {
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

export function wrongByteCount(bytes: number): TypeError {
  return new TypeError(`the text does not take the ${bytes} bytes its entry says`);
}
