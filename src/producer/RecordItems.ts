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
const NO_NUMBERS = new Float64Array(0);

/**
 * The items of an aggregated record, packed as it fills: the items in an array, their indexes and
 * sizes in a typed array, a key per item only once one differs from the first (aggregated items mostly
 * share theirs), explicit hash keys only once one is given, flush groups as runs and the bytes as
 * one sum. An accepted item's prepared form is let go once its record holds it, so that what
 * waits for a PutRecords answer is an array slot and a number (off the heap) per item rather
 * than an object each (thousands of items wait per record, long enough to be copied by
 * young-generation collections).
 */
export class PackedItems<T> implements RecordItems<T> {
  private items: T[] = [];
  /**
   * Each item's index and size (bytes the queue counts), two numbers per item, outside the
   * JavaScript heap (a typed array's store): collections never copy it.
   */
  private numbers: Float64Array = NO_NUMBERS;
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
    this.addParts(
      entry.item,
      entry.index,
      entry.partitionKey,
      entry.explicitHashKey,
      entry.flushGroup!,
      entry.size,
    );
  }

  /**
   * Keeps the first `n` items and returns the others, in their order, as a list of their own
   * (an accumulator that closed a record with fewer items than were added to it).
   */
  splitOff(n: number): PackedItems<T> {
    // The rest starts the lane's next record: room for as many as this one holds.
    const rest = new PackedItems<T>(Math.max(n, this.count - n));
    let run = 0;
    let runEnd = this.runs[0] ?? 0;
    for (let i = 0; i < this.count; i += 1) {
      while (i >= runEnd) {
        run += 1;
        runEnd += this.runs[run]!;
      }
      if (i < n) continue;
      rest.addParts(
        this.items[i]!,
        this.numbers[2 * i]!,
        this.partitionKey(i),
        this.explicitHashKey(i),
        this.groups[run]!,
        this.numbers[2 * i + 1]!,
      );
    }
    let kept = 0;
    for (let k = 0; k < this.runs.length; k += 1) {
      if (kept + this.runs[k]! >= n) {
        this.runs[k] = n - kept;
        this.runs.length = this.runs[k] === 0 ? k : k + 1;
        this.groups.length = this.runs.length;
        break;
      }
      kept += this.runs[k]!;
    }
    this.count = n;
    this.bytes -= rest.bytes;
    if (this.keys !== undefined) this.keys.length = n;
    if (this.hashKeys !== undefined) this.hashKeys.length = n;
    return rest;
  }

  private addParts(
    item: T,
    index: number,
    key: string,
    hashKey: string | undefined,
    group: FlushGroup,
    size: number,
  ): void {
    const n = this.count;
    if (n === 0) {
      const capacity = Math.max(MIN_CAPACITY, Math.min(this.expected, MAX_CAPACITY));
      this.items = new Array<T>(capacity);
      this.numbers = new Float64Array(2 * capacity);
    }
    this.items[n] = item;
    if (2 * n === this.numbers.length) {
      const grown = new Float64Array(4 * n);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[2 * n] = index;
    this.numbers[2 * n + 1] = size;
    if (n === 0) this.firstKey = key;
    else if (this.keys === undefined && key !== this.firstKey)
      this.keys = new Array<string>(n).fill(this.firstKey);
    if (this.keys !== undefined) this.keys[n] = key;
    if (hashKey !== undefined && this.hashKeys === undefined) {
      this.hashKeys = new Array<string | undefined>(n).fill(undefined);
    }
    if (this.hashKeys !== undefined) this.hashKeys[n] = hashKey;
    const last = this.groups.length - 1;
    if (last >= 0 && this.groups[last] === group) this.runs[last]! += 1;
    else {
      this.groups.push(group);
      this.runs.push(1);
    }
    this.bytes += size;
    this.count = n + 1;
  }

  /** The record closed: no more items; room made for more than it took is given back. */
  seal(): void {
    const { count } = this;
    if (this.items.length > count) this.items.length = count;
    // Room made for many more than came (the lane's record before was larger) is not kept.
    if (this.numbers.length > 4 * count + 2 * MIN_CAPACITY) this.numbers = this.numbers.slice(0, 2 * count);
  }

  item(i: number): T {
    return this.items[i]!;
  }

  index(i: number): number {
    return this.numbers[2 * i]!;
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
