import type { FlushGroup, QueuedItem } from './OutgoingRecord.js';

/**
 * The items a record holds, as its delivery reports and the queue's accounting need them: each
 * item and its index, partition key and explicit hash key, and, for the whole record, the bytes
 * and flush groups the queue counted them in.
 */
export interface RecordItems<T> {
  readonly length: number;
  item(i: number): T;
  index(i: number): number;
  partitionKey(i: number): string;
  explicitHashKey(i: number): string | undefined;
  /** Bytes (data + partition key) the queue counts for these items. */
  readonly bytes: number;
  /** Calls `count(group, items)` for every run of consecutive items accepted in one flush group. */
  forEachGroup(count: (group: FlushGroup, items: number) => void): void;
}

/** A record of one item (without aggregation): the accepted item is its own list. */
export class OneItem<T> implements RecordItems<T> {
  constructor(private readonly entry: QueuedItem<T>) {}

  get length(): number {
    return 1;
  }

  get bytes(): number {
    return this.entry.size;
  }

  item(): T {
    return this.entry.item;
  }

  index(): number {
    return this.entry.index;
  }

  partitionKey(): string {
    return this.entry.partitionKey;
  }

  explicitHashKey(): string | undefined {
    return this.entry.explicitHashKey;
  }

  forEachGroup(count: (group: FlushGroup, items: number) => void): void {
    count(this.entry.flushGroup!, 1);
  }
}

const NO_HASH_KEY: readonly undefined[] = [];
/** Room made at once at most (larger arrays made with a length may not be kept as plain lists). */
const MAX_CAPACITY = 16_384;
const MIN_CAPACITY = 16;
const NO_INDEXES = new Float64Array(0);

/**
 * The items of an aggregated record, packed as it fills: the items in an array, their indexes in
 * a typed array, a key per item only once one differs from the first (aggregated items mostly
 * share theirs), explicit hash keys only once one is given, flush groups as runs and the bytes as
 * one sum. An accepted item's prepared form is let go once its record holds it, so that what
 * waits for a PutRecords answer is an array slot and a number (off the heap) per item rather
 * than an object each (thousands of items wait per record, long enough to be copied by
 * young-generation collections).
 */
export class PackedItems<T> implements RecordItems<T> {
  private items: T[] = [];
  /** Outside the JavaScript heap (a typed array's store): collections never copy it. */
  private indexes: Float64Array = NO_INDEXES;
  private count = 0;
  private firstKey = '';
  private keys: string[] | undefined;
  private hashKeys: (string | undefined)[] | undefined;
  private readonly groups: FlushGroup[] = [];
  private readonly runs: number[] = [];
  bytes = 0;

  /**
   * `expected`: how many items the record will likely hold; room is made for them (up to a
   * bound) when the first one comes, so that a lane with no open record holds none.
   */
  constructor(private readonly expected: number) {}

  get length(): number {
    return this.count;
  }

  add(entry: QueuedItem<T>): void {
    const n = this.count;
    if (n === 0) {
      const capacity = Math.max(MIN_CAPACITY, Math.min(this.expected, MAX_CAPACITY));
      this.items = new Array<T>(capacity);
      this.indexes = new Float64Array(capacity);
    }
    this.items[n] = entry.item;
    if (n === this.indexes.length) {
      const grown = new Float64Array(2 * n);
      grown.set(this.indexes);
      this.indexes = grown;
    }
    this.indexes[n] = entry.index;
    const key = entry.partitionKey;
    if (n === 0) this.firstKey = key;
    else if (this.keys === undefined && key !== this.firstKey)
      this.keys = new Array<string>(n).fill(this.firstKey);
    if (this.keys !== undefined) this.keys[n] = key;
    const hashKey = entry.explicitHashKey;
    if (hashKey !== undefined && this.hashKeys === undefined) {
      this.hashKeys = new Array<string | undefined>(n).fill(undefined);
    }
    if (this.hashKeys !== undefined) this.hashKeys[n] = hashKey;
    const group = entry.flushGroup!;
    const last = this.groups.length - 1;
    if (last >= 0 && this.groups[last] === group) this.runs[last]! += 1;
    else {
      this.groups.push(group);
      this.runs.push(1);
    }
    this.bytes += entry.size;
    this.count = n + 1;
  }

  /** The record closed: no more items; room made for more than it took is given back. */
  seal(): void {
    const { count } = this;
    if (this.items.length > count) this.items.length = count;
    // Room made for many more than came (the lane's record before was larger) is not kept.
    if (this.indexes.length > 2 * count + MIN_CAPACITY) this.indexes = this.indexes.slice(0, count);
  }

  item(i: number): T {
    return this.items[i]!;
  }

  index(i: number): number {
    return this.indexes[i]!;
  }

  partitionKey(i: number): string {
    return this.keys === undefined ? this.firstKey : this.keys[i]!;
  }

  explicitHashKey(i: number): string | undefined {
    return (this.hashKeys ?? NO_HASH_KEY)[i];
  }

  forEachGroup(count: (group: FlushGroup, items: number) => void): void {
    for (let k = 0; k < this.groups.length; k += 1) count(this.groups[k]!, this.runs[k]!);
  }
}
