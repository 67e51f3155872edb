import { Buffer } from '../../platform/buffer.js';
import { RecordTooLargeError } from '../errors/RecordTooLargeError.js';
import type { AggregatedRecord, AggregatorEntry, RecordAccumulator } from '../Aggregator.js';
import { validateMaxRecordBytes } from './validateMaxRecordBytes.js';

/** How a byte-framed format (none, newline, list, netstring) lays items out in a record. */
export interface Framing {
  /** Bytes a record adds once, whatever it holds (e.g. `[` and `]`). */
  readonly recordOverhead: number;
  /** Bytes the item at `index` of a record adds around its `length` data bytes. */
  itemOverhead(length: number, index: number): number;
  /** Most items a record holds (1 for no aggregation). */
  readonly maxItems: number;
  /** Throws a SerializationError if the item cannot be framed at all. */
  check?(data: Uint8Array): void;
  /** Writes the record's data; `size` is recordOverhead + every item with its overhead. */
  write(items: readonly Uint8Array[], size: number): Uint8Array;
}

/**
 * Packs entries by a byte framing. A record's size is its data bytes (framing included) plus
 * its partition key's UTF-8 bytes, the partition key being its first entry's.
 */
export class FramedAccumulator implements RecordAccumulator {
  private readonly limit: number;
  private readonly items: Uint8Array[] = [];
  private first: AggregatorEntry | undefined;
  private keyBytes = 0;
  private dataBytes = 0;

  constructor(
    private readonly framing: Framing,
    maxRecordBytes: number,
  ) {
    this.limit = validateMaxRecordBytes(maxRecordBytes);
  }

  get itemCount(): number {
    return this.items.length;
  }

  get size(): number {
    return this.first === undefined ? 0 : this.dataBytes + this.keyBytes;
  }

  add(entry: AggregatorEntry): AggregatedRecord | undefined {
    const { framing } = this;
    const length = entry.data.byteLength;
    framing.check?.(entry.data);
    const count = this.items.length;
    if (count > 0 && count < framing.maxItems) {
      const grown = this.dataBytes + length + framing.itemOverhead(length, count) + this.keyBytes;
      if (grown <= this.limit) {
        this.items.push(entry.data);
        this.dataBytes = grown - this.keyBytes;
        return undefined;
      }
    }
    const keyBytes = Buffer.byteLength(entry.partitionKey, 'utf8');
    const alone = framing.recordOverhead + length + framing.itemOverhead(length, 0);
    if (alone + keyBytes > this.limit) {
      throw new RecordTooLargeError(alone + keyBytes, this.limit);
    }
    const closed = this.flush();
    this.items.push(entry.data);
    this.first = entry;
    this.keyBytes = keyBytes;
    this.dataBytes = alone;
    return closed;
  }

  flush(): AggregatedRecord | undefined {
    const first = this.first;
    if (first === undefined) return undefined;
    const items = this.items;
    const data = this.framing.write(items, this.dataBytes);
    const size = this.dataBytes + this.keyBytes;
    // Built without a spread: this runs once per item when records are not aggregated.
    const record: AggregatedRecord =
      first.explicitHashKey === undefined
        ? { data, partitionKey: first.partitionKey, itemCount: items.length, size }
        : {
            data,
            partitionKey: first.partitionKey,
            explicitHashKey: first.explicitHashKey,
            itemCount: items.length,
            size,
          };
    // write() has made the record's bytes out of the items: the list is free again.
    items.length = 0;
    this.first = undefined;
    this.keyBytes = 0;
    this.dataBytes = 0;
    return record;
  }
}
