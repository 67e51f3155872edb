import type { AggregatedRecord } from '../processors/Aggregator.js';
import { RecordTooLargeError } from '../processors/errors/RecordTooLargeError.js';
import { SerializationError } from '../processors/errors/SerializationError.js';
import { accumulatorRecordFault } from './accumulatorRecordFault.js';
import type { ClosedRecords } from './ClosedRecords.js';
import type { QueuedItem } from './OutgoingRecord.js';
import { OneItem, PackedItems, type RecordItems } from './RecordItems.js';
import type { ShardLane } from './ShardLane.js';
import type { ShardLanes } from './ShardLanes.js';
import type { RecordSizes } from './recordSizes.js';

/** Throws a TypeError saying what is wrong with a record an accumulator closed (see accumulatorRecordFault). */
function checkRecord(record: AggregatedRecord | undefined, held: number, all: boolean, left: number): void {
  const fault = accumulatorRecordFault(record, held, all, left);
  if (fault !== undefined) throw new TypeError(fault);
}

/** The items of an open record whose accumulator threw while closing it, and what it threw. */
export interface BrokenRecord<T> {
  readonly items: RecordItems<T>;
  readonly laneId: string;
  readonly error: unknown;
}

/**
 * The lanes' open records: the items each lane's accumulator holds, as they fill, and the
 * records they close into, queued as closed records. Counts the open records, their bytes and
 * items, and sets aside the items of an open record whose accumulator threw (takeBroken).
 *
 * Adding an item costs O(1) (the counts are counters), whatever the number of lanes.
 */
export class OpenRecords<T> {
  private recordCount = 0;
  private byteCount = 0;
  private itemCount = 0;
  /** Open records whose accumulator threw while closing them (see takeBroken). */
  private broken: BrokenRecord<T>[] = [];
  /** See RecordSizes. */
  private readonly fullRecordBytes: number;
  private readonly halfRecords: boolean;

  /**
   * @param itemIsRecord Records are their items as they are (noneAggregator): an item becomes its
   *   record without going through the accumulator (the preparer has checked its size against
   *   maxRecordBytes).
   */
  constructor(
    private readonly lanes: ShardLanes<T>,
    private readonly closed: ClosedRecords<T>,
    sizes: RecordSizes,
    private readonly itemIsRecord: boolean,
  ) {
    this.fullRecordBytes = sizes.fullRecordBytes;
    this.halfRecords = sizes.closesBeforeItem;
  }

  /** Open records (holding items) in all lanes. */
  get records(): number {
    return this.recordCount;
  }

  /** Bytes of the open records in all lanes. */
  get bytes(): number {
    return this.byteCount;
  }

  /** Items in the open records. */
  get items(): number {
    return this.itemCount;
  }

  /**
   * Adds an item to the lane's open record. Throws what the accumulator throws (e.g.
   * RecordTooLargeError), the item not added (the open record may have closed before it, as
   * below; after any other throw the open record is set aside, see takeBroken). Returns true when a record closed (the open one was full, or the item did not fit
   * or would have taken it past fullRecordBytes), false when the item joined the open record.
   */
  add(item: QueuedItem<T>, lane: ShardLane<T>): boolean {
    if (this.itemIsRecord && item.data !== undefined) {
      this.closed.add(lane, item, new OneItem(item));
      return true;
    }
    let { accumulator } = lane;
    let sizeBefore = 0;
    let wasOpen = false;
    let closedBefore = false;
    let closed: AggregatedRecord | undefined;
    let sizeAfter = 0;
    let openAfter = false;
    let adding = false;
    // Every call to the accumulator comes before the counts change: one that throws leaves the
    // item out of the lane (its caller fails it).
    try {
      sizeBefore = accumulator.size;
      wasOpen = accumulator.itemCount > 0;
      closedBefore = this.halfRecords && wasOpen && sizeBefore + item.size > this.fullRecordBytes;
      if (closedBefore) {
        // The item would take the record past half the shard's budget (item.size, with its key,
        // is more than it adds but for a few bytes of framing): the record goes as it is.
        this.closeOpen(lane);
        // An accumulator that threw while closing was replaced (see breakOpen).
        accumulator = lane.accumulator;
        sizeBefore = accumulator.size;
        wasOpen = false;
      }
      adding = true;
      closed = accumulator.add(item);
      adding = false;
      if (closed !== undefined) checkRecord(closed, lane.openItems.length + 1, false, accumulator.itemCount);
      sizeAfter = accumulator.size;
      openAfter = accumulator.itemCount > 0;
    } catch (error) {
      // add() refusing the entry (RecordTooLargeError, or SerializationError for one its framing
      // cannot hold) leaves the accumulator as it was (its contract). Any other throw (an
      // aggregator of the caller's own) leaves it in a state that cannot be known: its open
      // record's items fail with it (takeBroken), and the lane gets a new one.
      const refused = adding && (error instanceof RecordTooLargeError || error instanceof SerializationError);
      if (!refused) this.breakOpen(lane, error);
      throw error;
    }
    lane.openItems.add(item);
    this.itemCount += 1;
    if (closed !== undefined) {
      // The open record closed without the item (it did not fit), which starts the next one; an
      // accumulator of the caller's own may also close it with the item, leaving none open.
      this.byteCount -= sizeBefore;
      this.byteCount += sizeAfter;
      if (wasOpen !== openAfter) this.recordCount += wasOpen ? -1 : 1;
      this.close(lane, closed);
      return true;
    }
    if (!wasOpen) this.recordCount += 1;
    this.byteCount += sizeAfter - sizeBefore;
    if (sizeAfter >= this.fullRecordBytes) {
      // Full (without aggregation: the record's one item). An accumulator that throws closing
      // it fails the record's items, this one included (takeBroken).
      this.closeOpen(lane);
      return true;
    }
    return closedBefore;
  }

  /**
   * Closes the open record of every lane that has no closed record or record to send again
   * waiting (see RecordBatcher.releaseDue).
   */
  closeWhereNoneWaits(): void {
    if (this.recordCount === 0) return;
    for (const lane of this.lanes.list) {
      if (lane.queue.length > 0 || lane.retries.length > 0) continue;
      this.closeOpen(lane);
    }
  }

  /** Closes every open record. */
  closeAll(): void {
    if (this.recordCount === 0) return;
    for (const lane of this.lanes.list) {
      const closed = this.flushOpen(lane);
      if (closed !== undefined) this.close(lane, closed);
    }
    this.recordCount = 0;
    this.byteCount = 0;
  }

  /**
   * Open records whose accumulator (an aggregator of the caller's own) threw while closing them,
   * since the last call: their items are to be failed. Each lane was given a new accumulator.
   */
  takeBroken(): BrokenRecord<T>[] {
    const { broken } = this;
    this.broken = [];
    return broken;
  }

  /** True when takeBroken() has records to give. */
  get hasBroken(): boolean {
    return this.broken.length > 0;
  }

  /** Forgets every open record (the lanes' items were taken out, see RecordBatcher.takeAll). */
  clear(): void {
    this.recordCount = 0;
    this.byteCount = 0;
    this.itemCount = 0;
  }

  /** Closes the lane's open record, if it holds items, and queues it. */
  private closeOpen(lane: ShardLane<T>): void {
    const full = this.flushOpen(lane);
    if (full === undefined) return;
    this.recordCount -= 1;
    this.byteCount -= full.size;
    this.close(lane, full);
  }

  /** Closes the lane's open record; undefined when it holds none, or its accumulator threw. */
  private flushOpen(lane: ShardLane<T>): AggregatedRecord | undefined {
    try {
      const { accumulator } = lane;
      const closed = accumulator.flush();
      checkRecord(closed, lane.openItems.length, true, closed === undefined ? 0 : accumulator.itemCount);
      return closed;
    } catch (error) {
      this.breakOpen(lane, error);
      return undefined;
    }
  }

  /**
   * The lane's accumulator threw while closing its open record: what it holds can no longer be
   * known, so its items are set aside to be failed (takeBroken) and the lane gets a new one.
   */
  private breakOpen(lane: ShardLane<T>, error: unknown): void {
    const items = lane.openItems;
    lane.openItems = new PackedItems<T>(0);
    lane.accumulator = this.lanes.newAccumulator();
    this.itemCount -= items.length;
    if (items.length > 0) this.broken.push({ items, laneId: lane.shardId, error });
    // The open records and their bytes, counted anew (the broken one's size cannot be trusted).
    let records = 0;
    let bytes = 0;
    for (const other of this.lanes.list) {
      if (other.accumulator.itemCount === 0) continue;
      records += 1;
      bytes += other.accumulator.size;
    }
    this.recordCount = records;
    this.byteCount = bytes;
  }

  /**
   * Queues the lane's open record, closed as `closed`: it holds the first `closed.itemCount`
   * items put in the lane's open record (all of them, or all but the one that did not fit).
   */
  private close(lane: ShardLane<T>, closed: AggregatedRecord): void {
    const items = lane.openItems;
    const rest = closed.itemCount < items.length ? items.splitOff(closed.itemCount) : undefined;
    this.itemCount -= items.length;
    items.seal();
    lane.openItems = rest ?? new PackedItems<T>(items.length);
    this.closed.add(lane, closed, items);
  }
}
