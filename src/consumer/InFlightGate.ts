/** The most record bytes one GetRecords call returns (AWS: 10 MiB). */
const PAGE_BYTES = 10 * 1024 * 1024;
/** About how many of the latest records the average record size is taken over. */
const RECENT_RECORDS = 20_000;
/**
 * How fast the items-per-record estimate follows decoded records: a larger record moves it half
 * way at once (the bound is kept as soon as records grow), a smaller one an eighth of the way (a
 * lone small record among large ones does not open the budget to many large ones).
 */
const ITEMS_UP = 1 / 2;
const ITEMS_DOWN = 1 / 8;
/**
 * The estimate is never under the mean items per record of about the last 256 records: in a
 * stream that mixes sizes (a large record now and then among small ones) the estimate above is
 * at the small size most of the time, and a call would bring many large records at once.
 */
const ITEMS_MEAN = 1 / 256;

/** Limits of the in-flight budget. */
export interface InFlightLimits {
  /** Most records in flight (emitted, not yet finished) plus slots reserved by calls under way. */
  readonly records: number;
  /**
   * Most items in flight: a record counts its items once deserialize() decoded it, and until then
   * (and while reserved) the items per record of the records decoded lately.
   */
  readonly items?: number;
  /** Most record data bytes in flight. */
  readonly bytes?: number;
  /**
   * When given, `records` is a floor and sizeFor(shards) raises the record limit to this many per
   * shard read (what one GetRecords call may bring), up to `items`: the default budget then lets
   * every shard fetch a full page per call instead of sharing a fixed budget.
   */
  readonly recordsPerShard?: number;
}

/**
 * The in-flight budget of a consumer: records emitted and not yet finished by every subscriber
 * holding them, counted in records, items (KPL / aggregated records hold many) and bytes.
 * Readings reserve record slots before they fetch and wait for room when the budget is full
 * on any of the three counts.
 */
export class InFlightGate {
  private recordLimit: number;
  private readonly recordFloor: number;
  private readonly recordsPerShard: number | undefined;
  readonly itemLimit: number;
  readonly byteLimit: number;
  private reserved = 0;
  private held = 0;
  /** Items of the records in flight, those not decoded yet counted as one each. */
  private heldItems = 0;
  /** Records in flight not decoded yet: they count `itemsPerRecord` items each, not one. */
  private heldUndecoded = 0;
  /** Items per record of the records decoded lately (1 until one was). */
  private itemsPerRecord = 1;
  /** The estimate that follows larger records at once, smaller ones step by step. */
  private followed = 1;
  /** The mean items per record of about the last 256 records decoded. */
  private mean = 1;
  /** Records the estimate learned from: 0, 1, or 2 for more. */
  private learned = 0;
  private heldBytes = 0;
  private peak = 0;
  /** Records and bytes that arrived so far: their average sizes the calls while bytes are bounded. */
  private arrivedRecords = 0;
  private arrivedBytes = 0;
  private readonly waiters = new Set<() => void>();
  /** Called when a reservation is refused (the budget is full); see KinesisConsumer's subscriber-behind. */
  onFull: (() => void) | undefined;

  constructor(limits: number | InFlightLimits) {
    const resolved = typeof limits === 'number' ? { records: limits } : limits;
    this.recordLimit = resolved.records;
    this.recordFloor = resolved.records;
    this.recordsPerShard = typeof limits === 'number' ? undefined : limits.recordsPerShard;
    this.itemLimit = resolved.items ?? Number.POSITIVE_INFINITY;
    this.byteLimit = resolved.bytes ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Most records in flight (plus reserved slots) now: the record limit, or the item limit when
   * that is lower (a record is at least one item).
   */
  get limit(): number {
    return Math.min(this.recordLimit, this.itemLimit);
  }

  /** With `recordsPerShard`: sizes the record limit for `shards` shards being read. */
  sizeFor(shards: number): void {
    if (this.recordsPerShard === undefined) return;
    const sized = Math.max(this.recordFloor, Math.min(shards * this.recordsPerShard, this.itemLimit));
    if (sized === this.recordLimit) return;
    const grew = sized > this.recordLimit;
    this.recordLimit = sized;
    if (grew) this.notify();
  }

  /** Records emitted and not yet released. */
  get inFlight(): number {
    return this.held;
  }

  /** Items in flight: the decoded records' items, the others at the items per record seen lately. */
  get inFlightItems(): number {
    return Math.ceil(this.itemsHeld());
  }

  /** Items per record the records not decoded yet (and reserved slots) are counted at. */
  get itemsPerRecordEstimate(): number {
    return this.itemsPerRecord;
  }

  get inFlightBytes(): number {
    return this.heldBytes;
  }

  /**
   * Whether at most half of the budget is taken: records (reserved slots too), items, and bytes
   * (reserved slots too, at the average record size, as reserve() counts them).
   */
  get halfEmpty(): boolean {
    return (
      this.reserved + this.held <= this.recordLimit / 2 &&
      this.itemsHeld() + this.reserved * this.itemsPerRecord <= this.itemLimit / 2 &&
      this.heldBytes + this.reservedBytes() <= this.byteLimit / 2
    );
  }

  /**
   * Whether the records in flight (reserved slots not counted) take at most half of the budget:
   * records, items and bytes. A budget this empty that refuses a reservation is full of the
   * reservations of calls under way, not of records a subscriber holds.
   */
  get heldHalfEmpty(): boolean {
    return (
      this.held <= this.recordLimit / 2 &&
      this.itemsHeld() <= this.itemLimit / 2 &&
      this.heldBytes <= this.byteLimit / 2
    );
  }

  /** The most records ever in flight at once. */
  get peakInFlight(): number {
    return this.peak;
  }

  /**
   * Record slots free (0 while items or bytes are at their limit). The slots are also those the
   * items left take at the items per record seen lately (a record is at least one item), the
   * reserved ones counted at that many items each; a record that fits only in part is granted
   * (the items in flight may pass the limit by less than a record's), so a pipeline that waits
   * for `maxQueueItems` items before it settles any gets them.
   */
  get free(): number {
    const perRecord = this.itemsPerRecord;
    const itemsLeft = this.itemLimit - this.itemsHeld() - this.reserved * perRecord;
    if (itemsLeft <= 0 || this.heldBytes >= this.byteLimit) return 0;
    return Math.max(
      0,
      Math.min(this.recordLimit - this.reserved - this.held, Math.ceil(itemsLeft / perRecord)),
    );
  }

  /**
   * Reserves up to `wanted` slots; returns how many (0 when full). With a byte limit, once records
   * arrived, the slots granted are also those the bytes left can take at the average record size
   * seen so far, the slots reserved before counted at that size too, so a call does not bring a
   * page far past the limit whenever the bytes held dip under it. One slot is always granted when
   * nothing is held or reserved, whatever the record size, and never more than a page's bytes
   * (10 MiB) take. Before any record arrived the sizes are unknown: the first calls may bring up
   * to a page each past the limit.
   */
  reserve(wanted: number): number {
    let granted = Math.max(0, Math.min(wanted, this.free));
    if (granted > 0 && Number.isFinite(this.byteLimit)) granted = Math.min(granted, this.slotsForBytes());
    this.reserved += granted;
    if (granted === 0 && wanted > 0) this.onFull?.();
    return granted;
  }

  /** Turns `used` of `reserved` slots into in-flight records (of `bytes` bytes) and frees the rest. */
  settleReservation(reserved: number, used: number, bytes = 0): void {
    this.arrivedRecords += used;
    this.arrivedBytes += bytes;
    // Recent records weigh more: a stream whose records grow is not sized by its old ones.
    if (this.arrivedRecords > RECENT_RECORDS) {
      this.arrivedRecords /= 2;
      this.arrivedBytes /= 2;
    }
    this.reserved -= reserved;
    this.held += used;
    this.heldItems += used;
    this.heldUndecoded += used;
    this.heldBytes += bytes;
    if (this.held > this.peak) this.peak = this.held;
    if (used < reserved) this.notify();
  }

  /** A record in flight turned out to hold `count` more items than the 1 it was counted as. */
  addItems(count: number): void {
    if (count > 0) this.heldItems += count;
  }

  /**
   * `records` records in flight were decoded (deserialize() said how many items they hold:
   * `added` more than one each); `items` is the items of the record decoded, which the estimate
   * of the records not decoded yet follows. With `records` 0, a record decoded before (by another
   * subscriber's deserialize()) was found to hold `added` more items, `items` in all: the estimate
   * follows the larger count, as if the record had been decoded so at first.
   */
  decoded(records: number, added: number, items: number): void {
    if (records > 0) {
      this.heldUndecoded = Math.max(0, this.heldUndecoded - records);
      this.learn(items);
    } else if (added > 0) {
      this.relearn(items - added, items);
    }
    this.addItems(added);
    this.notify();
  }

  /**
   * Frees `count` records (with `items` items, default one each, and `bytes` bytes), of which
   * `undecoded` were not decoded yet (default all).
   */
  release(count: number, items = count, bytes = 0, undecoded = count): void {
    if (count <= 0 && items <= 0 && bytes <= 0) return;
    this.held = Math.max(0, this.held - count);
    this.heldItems = Math.max(0, this.heldItems - items);
    this.heldUndecoded = Math.max(0, this.heldUndecoded - undecoded);
    this.heldBytes = Math.max(0, this.heldBytes - bytes);
    this.notify();
  }

  /** Items in flight, the records not decoded yet counted at the items per record seen lately. */
  private itemsHeld(): number {
    const undecoded = Math.min(this.heldUndecoded, this.held);
    return this.heldItems + undecoded * (this.itemsPerRecord - 1);
  }

  /** The estimate follows a decoded record of `items` items (see ITEMS_UP / ITEMS_DOWN). */
  private learn(items: number): void {
    const count = Math.max(1, items);
    const { followed, mean } = this;
    let next = count;
    let nextMean = count;
    if (this.learned > 0) {
      next = followed + (count - followed) * (count > followed ? ITEMS_UP : ITEMS_DOWN);
      nextMean = mean + (count - mean) * ITEMS_MEAN;
    }
    // Close enough: a stream of records of one size is counted at exactly that size.
    this.followed = Math.abs(next - count) < 1 / 64 ? count : next;
    this.mean = Math.abs(nextMean - count) < 1 / 64 ? count : nextMean;
    this.itemsPerRecord = Math.max(this.followed, this.mean);
    this.learned = Math.min(2, this.learned + 1);
  }

  /**
   * A record learned at `before` items holds `items`: the mean takes the difference (as if the
   * record had been learned at its full count), the estimate that follows larger records rises.
   */
  private relearn(before: number, items: number): void {
    const count = Math.max(1, items);
    const { followed, mean } = this;
    if (this.learned === 1) {
      // The only record learned: it is the whole estimate.
      this.followed = this.mean = this.itemsPerRecord = count;
      return;
    }
    const next = count > followed ? followed + (count - followed) * ITEMS_UP : followed;
    const nextMean = mean + (count - Math.max(1, before)) * ITEMS_MEAN;
    this.followed = Math.abs(next - count) < 1 / 64 ? count : next;
    this.mean = Math.abs(nextMean - count) < 1 / 64 ? count : nextMean;
    this.itemsPerRecord = Math.max(this.followed, this.mean);
  }

  /** The bytes the reserved slots are counted at (see reserve): none before any record arrived. */
  private reservedBytes(): number {
    if (this.arrivedRecords === 0 || this.reserved === 0) return 0;
    return this.reserved * Math.max(1, this.arrivedBytes / this.arrivedRecords);
  }

  /** Slots the bytes left can take (see reserve); unbounded before any record arrived. */
  private slotsForBytes(): number {
    if (this.arrivedRecords === 0) return Number.POSITIVE_INFINITY;
    const average = Math.max(1, this.arrivedBytes / this.arrivedRecords);
    // More than a page's bytes never come in one call: asking for more would only hold room.
    const perCall = Math.max(1, Math.floor(PAGE_BYTES / average));
    if (this.heldBytes === 0 && this.reserved === 0)
      return Math.min(perCall, Math.max(1, Math.floor(this.byteLimit / average)));
    const room = this.byteLimit - this.heldBytes - this.reserved * average;
    return Math.min(perCall, Math.max(0, Math.floor(room / average)));
  }

  /** Calls `callback` once the next time room is freed; returns a cancel function. */
  whenRoom(callback: () => void): () => void {
    this.waiters.add(callback);
    return () => this.waiters.delete(callback);
  }

  private notify(): void {
    if (this.waiters.size === 0 || this.free <= 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }
}
