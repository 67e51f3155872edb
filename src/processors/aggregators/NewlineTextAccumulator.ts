import { Buffer } from '../../platform/buffer.js';
import { RecordTooLargeError } from '../errors/RecordTooLargeError.js';
import type { AggregatedRecord, TextAggregatorEntry, TextRecordAccumulator } from '../Aggregator.js';
import type { TextTraits } from '../Serializer.js';
import { newlineFramingError } from './newlineFramingError.js';
import { validateMaxRecordBytes } from './validateMaxRecordBytes.js';

/** Most UTF-8 bytes one UTF-16 code unit stands for (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * The newline framing on the text path: the texts of a record are joined, each followed by
 * `\n`, and encoded once when the record closes, instead of one Buffer per item copied into
 * the record. A line feed inside a text is rejected as the byte path rejects it (unless the
 * serializer says its texts never hold one).
 *
 * Sizes are exact UTF-8 bytes, as on the byte path. An entry's `textBytes` is taken as given;
 * without it the bytes are counted here, in bulk: while the record surely has room (3 bytes per
 * UTF-16 unit at most) the texts wait uncounted in `pending`, and one Buffer.byteLength call
 * counts them all once that bound reaches the limit (or `size` is read). Counting item by item
 * would first flatten each JSON.stringify result (a rope), which costs about as much again as
 * the rest of the framing.
 */
export class NewlineTextAccumulator implements TextRecordAccumulator {
  private readonly limit: number;
  private readonly checkNewlines: boolean;
  /** ASCII text encodes as Latin-1, the same bytes, at about half the cost of UTF-8. */
  private readonly encoding: 'latin1' | 'utf8';
  /** Lines whose bytes are counted in headBytes. */
  private head = '';
  private headBytes = 0;
  /** Lines after `head` not counted yet, and at most how many bytes they hold. */
  private pending = '';
  private pendingBound = 0;
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
    this.countPending();
    return this.headBytes + this.keyBytes;
  }

  add(entry: TextAggregatorEntry): AggregatedRecord | undefined {
    const { text } = entry;
    if (this.checkNewlines && text.indexOf('\n') !== -1) throw newlineFramingError();
    const known = entry.textBytes;
    // The line's bytes (text + newline): exact, or -1 while only the bound is known.
    let exact = known === undefined ? -1 : known + 1;
    const bound = exact === -1 ? MAX_BYTES_PER_UNIT * text.length + 1 : exact;
    if (this.count > 0) {
      if (exact === -1 && this.headBytes + this.pendingBound + bound + this.keyBytes <= this.limit) {
        this.pending += `${text}\n`;
        this.pendingBound += bound;
        this.count += 1;
        return undefined;
      }
      this.countPending();
      if (exact === -1) exact = Buffer.byteLength(text, 'utf8') + 1;
      if (this.headBytes + exact + this.keyBytes <= this.limit) {
        this.head += `${text}\n`;
        this.headBytes += exact;
        this.count += 1;
        return undefined;
      }
    }
    const keyBytes = Buffer.byteLength(entry.partitionKey, 'utf8');
    if ((exact === -1 ? bound : exact) + keyBytes > this.limit) {
      if (exact === -1) exact = Buffer.byteLength(text, 'utf8') + 1;
      if (exact + keyBytes > this.limit) throw new RecordTooLargeError(exact + keyBytes, this.limit);
    }
    const closed = this.flush();
    if (exact === -1) {
      this.pending = `${text}\n`;
      this.pendingBound = bound;
    } else {
      this.head = `${text}\n`;
      this.headBytes = exact;
    }
    this.count = 1;
    this.partitionKey = entry.partitionKey;
    this.explicitHashKey = entry.explicitHashKey;
    this.keyBytes = keyBytes;
    return closed;
  }

  flush(): AggregatedRecord | undefined {
    const itemCount = this.count;
    if (itemCount === 0) return undefined;
    const data = Buffer.from(this.pending === '' ? this.head : this.head + this.pending, this.encoding);
    const size = data.byteLength + this.keyBytes;
    const { partitionKey, explicitHashKey } = this;
    this.head = '';
    this.headBytes = 0;
    this.pending = '';
    this.pendingBound = 0;
    this.count = 0;
    this.explicitHashKey = undefined;
    this.keyBytes = 0;
    return explicitHashKey === undefined
      ? { data, partitionKey, itemCount, size }
      : { data, partitionKey, explicitHashKey, itemCount, size };
  }

  /** Counts the pending lines' bytes exactly and moves them to the head. */
  private countPending(): void {
    if (this.pending === '') return;
    this.headBytes += Buffer.byteLength(this.pending, 'utf8');
    this.head += this.pending;
    this.pending = '';
    this.pendingBound = 0;
  }
}
