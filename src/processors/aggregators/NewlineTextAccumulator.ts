import { Buffer } from '../../platform/buffer.js';
import { RecordTooLargeError } from '../errors/RecordTooLargeError.js';
import type { AggregatedRecord, TextAggregatorEntry, TextRecordAccumulator } from '../Aggregator.js';
import type { TextTraits } from '../Serializer.js';
import { emptyLineFramingError, newlineFramingError } from './newlineFramingError.js';
import { validateMaxRecordBytes } from './validateMaxRecordBytes.js';

/** Most UTF-8 bytes one UTF-16 code unit stands for (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;
/** The first buffer of a record; it doubles as needed, up to the record limit. */
const INITIAL_CAPACITY = 16 * 1024;
/**
 * Texts shorter than this wait joined in one string and are written together (one native call
 * for many); longer ones are written as they come. At ~100 B a native write per text costs
 * more than joining them; at ~1 KiB joining costs more (the joined string is copied once more).
 */
const SHORT_TEXT = 256;
/**
 * Joined short lines are written once they may take this many bytes. A record fills over
 * thousands of items while other lanes fill too; lines kept joined until the record closes
 * would outlive several young-generation collections and be copied by each, where lines
 * written in chunks die young.
 */
const PENDING_CHUNK = 16 * 1024;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * The newline framing on the text path: texts go into the record's buffer, each followed by
 * `\n`, without a Buffer of their own; the record leaves as that buffer. Short texts wait joined
 * in `pending` and are written together; long ones are written as they come. A line feed inside
 * a text is rejected as the byte path rejects it (unless the serializer says its texts never
 * hold one).
 *
 * Sizes are exact UTF-8 bytes, as on the byte path. An entry's `textBytes` is taken as given;
 * without it the write itself counts the bytes: while the record surely has room (3 bytes per
 * UTF-16 unit at most) the text is taken and the write says later how many bytes it took; only
 * near the limit is a text measured first. ASCII texts (a serializer that says so) are written
 * as Latin-1, the same bytes at a lower cost.
 */
export class NewlineTextAccumulator implements TextRecordAccumulator {
  private readonly limit: number;
  private readonly checkNewlines: boolean;
  private readonly encoding: 'latin1' | 'utf8';
  private buffer: Buffer = EMPTY;
  /** Data bytes written into `buffer` (texts and newlines). */
  private used = 0;
  /** Short lines (newlines included) not written yet; at most pendingBound bytes. */
  private pending = '';
  private pendingBound = 0;
  /** Their exact bytes, while every one came with its count. */
  private pendingBytes = 0;
  private pendingCounted = true;
  private count = 0;
  private partitionKey = '';
  private explicitHashKey: string | undefined;
  private keyBytes = 0;

  constructor(maxRecordBytes: number, traits: TextTraits) {
    this.limit = validateMaxRecordBytes(maxRecordBytes);
    this.checkNewlines = !traits.newlineFree;
    this.encoding = traits.ascii ? 'latin1' : 'utf8';
  }

  get itemCount(): number {
    return this.count;
  }

  get size(): number {
    if (this.count === 0) return 0;
    if (!this.pendingCounted) this.writePending();
    return this.used + this.pendingBytes + this.keyBytes;
  }

  add(entry: TextAggregatorEntry): AggregatedRecord | undefined {
    const { text } = entry;
    if (text.length === 0) throw emptyLineFramingError();
    if (this.checkNewlines && text.indexOf('\n') !== -1) throw newlineFramingError();
    // The text's bytes: exact, or -1 while only the bound is known.
    let exact = entry.textBytes ?? -1;
    const bound = exact === -1 ? MAX_BYTES_PER_UNIT * text.length : exact;
    if (this.count > 0) {
      if (bound <= this.limit - this.keyBytes - this.used - this.pendingBound - 1) {
        // Surely fits.
        if (text.length < SHORT_TEXT) {
          if (this.pendingBound >= PENDING_CHUNK) this.writePending();
          this.pending += `${text}\n`;
          this.pendingBound += bound + 1;
          if (exact === -1) this.pendingCounted = false;
          else this.pendingBytes += exact + 1;
        } else {
          this.writePending();
          this.reserve(this.used + bound + 1);
          this.used = this.writeLine(this.buffer, this.used, text, exact, bound);
        }
        this.count += 1;
        return undefined;
      }
      this.writePending();
      const room = this.limit - this.keyBytes - this.used - 1;
      if (exact === -1) exact = this.measure(text);
      if (exact <= room) {
        this.reserve(this.used + exact + 1);
        this.used = this.writeLine(this.buffer, this.used, text, exact, exact);
        this.count += 1;
        return undefined;
      }
    }
    const keyBytes = Buffer.byteLength(entry.partitionKey, 'utf8');
    const room = this.limit - keyBytes - 1;
    if (bound > room && exact === -1) exact = this.measure(text);
    if (exact > room) throw new RecordTooLargeError(exact + 1 + keyBytes, this.limit);
    const need = exact === -1 ? bound : exact;
    // The new record's buffer is written before the open record closes: a failed write changes nothing.
    const fresh = Buffer.allocUnsafe(Math.max(need + 1, Math.min(INITIAL_CAPACITY, this.limit)));
    const used = this.writeLine(fresh, 0, text, exact, need);
    const closed = this.flush();
    this.buffer = fresh;
    this.used = used;
    this.count = 1;
    this.partitionKey = entry.partitionKey;
    this.explicitHashKey = entry.explicitHashKey;
    this.keyBytes = keyBytes;
    return closed;
  }

  flush(): AggregatedRecord | undefined {
    const itemCount = this.count;
    if (itemCount === 0) return undefined;
    this.writePending();
    const { buffer, used, partitionKey, explicitHashKey } = this;
    // A well-filled buffer leaves with the record; a barely filled one is copied out, so that a
    // record never holds more than twice its bytes. The next record starts a buffer of its own,
    // and an idle accumulator holds none.
    const data = 2 * used >= buffer.length ? buffer.subarray(0, used) : Buffer.from(buffer.subarray(0, used));
    this.buffer = EMPTY;
    const size = used + this.keyBytes;
    this.used = 0;
    this.count = 0;
    this.explicitHashKey = undefined;
    this.keyBytes = 0;
    return explicitHashKey === undefined
      ? { data, partitionKey, itemCount, size }
      : { data, partitionKey, explicitHashKey, itemCount, size };
  }

  /** The exact UTF-8 (or, for ASCII text, Latin-1) length of a text. */
  private measure(text: string): number {
    return this.encoding === 'latin1' ? text.length : Buffer.byteLength(text, 'utf8');
  }

  /**
   * Writes `text` and a newline into `buffer` at `at`, which has room for `room` bytes and the
   * newline; returns the offset after the newline. `exact` is the text's byte count when known
   * (-1 when not): a text that takes another count (a wrong `textBytes`) throws, before any
   * state changes.
   */
  private writeLine(buffer: Buffer, at: number, text: string, exact: number, room: number): number {
    const written = buffer.write(text, at, room, this.encoding);
    if (exact !== -1 && written !== exact) {
      throw new TypeError(`the text takes ${written} bytes, not the ${exact} its entry says`);
    }
    buffer[at + written] = NEWLINE;
    return at + written + 1;
  }

  /** Writes the pending lines into the buffer: one native write, which also counts their bytes. */
  private writePending(): void {
    const { pending } = this;
    if (pending === '') return;
    this.reserve(this.used + this.pendingBound);
    const written = this.buffer.write(pending, this.used, this.pendingBound, this.encoding);
    if (this.pendingCounted && written !== this.pendingBytes) {
      throw new TypeError(`the texts take ${written} bytes, not the ${this.pendingBytes} their entries say`);
    }
    this.used += written;
    this.pending = '';
    this.pendingBound = 0;
    this.pendingBytes = 0;
    this.pendingCounted = true;
  }

  /** Makes the buffer hold at least `bytes` bytes, keeping the open record's. */
  private reserve(bytes: number): void {
    const current = this.buffer;
    if (current.length >= bytes) return;
    let capacity = Math.max(2 * current.length, INITIAL_CAPACITY);
    if (capacity > this.limit) capacity = this.limit;
    if (capacity < bytes) capacity = bytes;
    const grown = Buffer.allocUnsafe(capacity);
    if (this.used > 0) grown.set(current.subarray(0, this.used), 0);
    this.buffer = grown;
  }
}
