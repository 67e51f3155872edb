import type { Buffer } from '../../platform/buffer.js';

/** Keys kept made (a power of two). */
const SLOTS = 64;
/** The ranges of a table of strings (it has none). */
const NO_RANGES = new Int32Array(0);

/**
 * A key table of a KPL record (its partition keys or its explicit hash keys). An aggregated
 * record's table is held as where each key's bytes are in the record's body, 8 bytes per key,
 * and a key is made as it is asked for: a record whose ~60,000 tiny items each carry a key of
 * their own (as the KPL writes them) would otherwise hold a string per key, some 35 bytes each,
 * while its items go out. The keys asked for lately are kept in a few slots (key i in slot
 * i % 64), so the items of a record that share one key (as this library writes them), or take
 * turns among a few, make each key once.
 */
export class KplKeyTable {
  /** How many keys the table holds. */
  readonly count: number;
  /** The key index each slot holds (-1: none), and its key (none for a table of strings). */
  private readonly slotIndexes: Int32Array;
  private readonly slotKeys: string[];

  private constructor(
    private readonly buffer: Buffer | undefined,
    /** Start and end of key i in `buffer` at 2i and 2i + 1. */
    private readonly ranges: Int32Array,
    /** The keys, for a table not held as bytes. */
    private readonly keys: readonly string[] | undefined,
  ) {
    const held = keys === undefined;
    this.count = held ? ranges.length >> 1 : keys.length;
    this.slotIndexes = held ? new Int32Array(SLOTS).fill(-1) : ranges;
    this.slotKeys = held ? new Array<string>(SLOTS).fill('') : [];
  }

  /** The table of keys found at `ranges` (start, end per key) in `buffer`. */
  static ofRanges(buffer: Buffer, ranges: readonly number[]): KplKeyTable {
    return new KplKeyTable(buffer, Int32Array.from(ranges), undefined);
  }

  /** A table of the keys given (a plain record's own keys). */
  static of(keys: readonly string[]): KplKeyTable {
    return new KplKeyTable(undefined, NO_RANGES, keys);
  }

  /**
   * The UTF-8 length of key `index`, without making it (a plain record's key: its UTF-16 length,
   * never more than its UTF-8 length).
   */
  byteLength(index: number): number {
    if (this.keys !== undefined) return (this.keys[index] as string).length;
    return (this.ranges[2 * index + 1] as number) - (this.ranges[2 * index] as number);
  }

  /** Key `index` (0 <= index < count): its bytes as UTF-8, each invalid sequence as U+FFFD. */
  key(index: number): string {
    if (this.keys !== undefined) return this.keys[index] as string;
    const slot = index & (SLOTS - 1);
    if (this.slotIndexes[slot] === index) return this.slotKeys[slot] as string;
    const ranges = this.ranges;
    const key = (this.buffer as Buffer).toString(
      'utf8',
      ranges[2 * index] as number,
      ranges[2 * index + 1] as number,
    );
    this.slotIndexes[slot] = index;
    this.slotKeys[slot] = key;
    return key;
  }
}
