import type { AggregatedRecord } from '../processors/Aggregator.js';
import { RecordTooLargeError } from '../processors/errors/RecordTooLargeError.js';
import { SerializationError } from '../processors/errors/SerializationError.js';
import type { DigestSink } from '../processors/aggregators/deferredDigest.js';
import { isNoneAggregator } from '../processors/aggregators/noneAggregator.js';
import type { Processor } from '../processors/Processor.js';
import { type LaneAccumulator, laneAccumulators } from './LaneAccumulator.js';
import type { OutgoingRecord, QueuedItem } from './OutgoingRecord.js';
import { OneItem, PackedItems, type RecordItems } from './RecordItems.js';
import { ShardLane, type TakenRecord } from './ShardLane.js';
import { recordSizes } from './recordSizes.js';
import type { BatchLimits, NextBatch } from './BatchLimits.js';
import { BatchAdmission, STOP, TAKE } from './BatchAdmission.js';

/** The items of an open record whose accumulator threw while closing it, and what it threw. */
export interface BrokenRecord<T> {
  readonly items: RecordItems<T>;
  readonly laneId: string;
  readonly error: unknown;
}

/**
 * Aggregates items per predicted shard and cuts PutRecords batches. Items go into their lane's
 * open record; closed records wait in the lane until released (by batch size, byte size, a full
 * aggregated record, a full queue, bufferTime or a flush). nextBatch() then takes released records
 * from all lanes, within the call limits and each lane's budgets, round-robin over the lanes.
 *
 * Every operation costs O(1) per record or item moved (the waiting records are FIFO queues, the
 * unreleased totals are kept as counters), so a long queue costs no more per item than a short one.
 */
export class RecordBatcher<T> {
  readonly lanes = new Map<string, ShardLane<T>>();
  private laneList: ShardLane<T>[] = [];
  private rotation = 0;
  private closedUnreleasedRecords = 0;
  private closedUnreleasedBytes = 0;
  private openRecords = 0;
  private openBytes = 0;
  /** Items in the lanes' open records. */
  private openItemCount = 0;
  /** Released records not taken into a batch yet (retries aside), and their bytes. */
  private readyRecords = 0;
  private readyBytes = 0;
  private readonly admission: BatchAdmission<T>;
  /** Open records whose accumulator threw while closing them (see takeBroken). */
  private broken: BrokenRecord<T>[] = [];

  /** See RecordSizes. */
  private readonly fullRecordBytes: number;
  private readonly halfRecords: boolean;
  private readonly paceBurst: number | undefined;

  private readonly createAccumulator: (maxRecordBytes: number) => LaneAccumulator<T>;
  /** Items are aggregated (several to a record). */
  readonly aggregates: boolean;
  /**
   * Records are their items as they are (noneAggregator): an item becomes its record without
   * going through the accumulator (the preparer has checked its size against maxRecordBytes).
   */
  private readonly itemIsRecord: boolean;

  constructor(
    processor: Processor<T>,
    private readonly limits: BatchLimits,
    digests?: DigestSink,
  ) {
    this.createAccumulator = laneAccumulators(processor, digests);
    this.aggregates = processor.aggregator.aggregates;
    this.itemIsRecord = isNoneAggregator(processor.aggregator);
    const sizes = recordSizes(this.aggregates, limits);
    this.fullRecordBytes = sizes.fullRecordBytes;
    this.halfRecords = sizes.closesBeforeItem;
    this.paceBurst = sizes.paceBurst;
    this.admission = new BatchAdmission<T>(limits);
  }

  lane(shardId: string): ShardLane<T> {
    let lane = this.lanes.get(shardId);
    if (lane === undefined) {
      lane = new ShardLane<T>(
        shardId,
        this.createAccumulator(this.limits.maxRecordBytes),
        this.limits.recordsPerSecond,
        this.limits.bytesPerSecond,
        this.paceBurst,
      );
      this.lanes.set(shardId, lane);
      this.laneList.push(lane);
    }
    return lane;
  }

  /**
   * Adds an item to its lane's open record. Throws what the accumulator throws (e.g.
   * RecordTooLargeError), the item not added (the open record may have closed before it, as
   * below; after any other throw the open record is set aside, see takeBroken). Returns true when a record closed (the open one was full, or the item did not fit
   * or would have taken it past fullRecordBytes), false when the item joined the open record.
   */
  add(item: QueuedItem<T>, shardId: string): boolean {
    const lane = this.lane(shardId);
    if (this.itemIsRecord && item.data !== undefined) {
      this.queueRecord(lane, item, new OneItem(item));
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
    // Every call to the accumulator comes before the batcher changes: one that throws leaves the
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
    this.openItemCount += 1;
    if (closed !== undefined) {
      // The open record closed without the item (it did not fit), which starts the next one; an
      // accumulator of the caller's own may also close it with the item, leaving none open.
      this.openBytes -= sizeBefore;
      this.openBytes += sizeAfter;
      if (wasOpen !== openAfter) this.openRecords += wasOpen ? -1 : 1;
      this.close(lane, closed);
      return true;
    }
    if (!wasOpen) this.openRecords += 1;
    this.openBytes += sizeAfter - sizeBefore;
    if (sizeAfter >= this.fullRecordBytes) {
      // Full (without aggregation: the record's one item). An accumulator that throws closing
      // it fails the record's items, this one included (takeBroken).
      this.closeOpen(lane);
      return true;
    }
    return closedBefore;
  }

  /** Closes the lane's open record, which holds items, and queues it. */
  private closeOpen(lane: ShardLane<T>): void {
    const full = this.flushOpen(lane);
    if (full === undefined) return;
    this.openRecords -= 1;
    this.openBytes -= full.size;
    this.close(lane, full);
  }

  /** Items in open records (aggregated records still filling). */
  get openItems(): number {
    return this.openItemCount;
  }

  /** Records not yet released in all lanes (the open ones included). */
  get unreleasedRecords(): number {
    return this.closedUnreleasedRecords + this.openRecords;
  }

  /** Closed records not yet released in all lanes. */
  get unreleasedClosedRecords(): number {
    return this.closedUnreleasedRecords;
  }

  /** Bytes not yet released in all lanes (the open records included). */
  get unreleasedBytes(): number {
    return this.closedUnreleasedBytes + this.openBytes;
  }

  /**
   * True when at least a PutRecords call's worth of released records waits for a call: more
   * records could not go any sooner.
   */
  get callReady(): boolean {
    return this.readyRecords >= this.limits.batchSize || this.readyBytes >= this.limits.maxRequestBytes;
  }

  /** Lets every closed record go; open records stay open. */
  releaseClosed(): void {
    if (this.closedUnreleasedRecords === 0) return;
    this.readyRecords += this.closedUnreleasedRecords;
    this.readyBytes += this.closedUnreleasedBytes;
    for (const lane of this.laneList) {
      lane.released = lane.queue.length;
      lane.unreleasedBytes = 0;
    }
    this.closedUnreleasedRecords = 0;
    this.closedUnreleasedBytes = 0;
  }

  /**
   * bufferTime is up or the queue is full: lets every closed record go and closes the open
   * records, except (with aggregation) the open record of a lane whose closed records still
   * wait, for the lane's budget or a back-off. That record could not go any sooner if closed
   * now, and a part-filled record would spend a share of the shard's budget that a full one
   * uses better; it keeps filling and closes when full or once its lane has nothing waiting.
   */
  releaseDue(): void {
    if (!this.aggregates) {
      this.releaseAll();
      return;
    }
    if (this.openRecords > 0) {
      for (const lane of this.laneList) {
        if (lane.queue.length > 0 || lane.retries.length > 0) continue;
        const closed = this.flushOpen(lane);
        if (closed === undefined) continue;
        this.openRecords -= 1;
        this.openBytes -= closed.size;
        this.close(lane, closed);
      }
    }
    this.releaseClosed();
  }

  /** Closes every open record and lets every waiting record go (flush, close). */
  releaseAll(): void {
    if (this.openRecords > 0) {
      for (const lane of this.laneList) {
        const closed = this.flushOpen(lane);
        if (closed !== undefined) this.close(lane, closed);
      }
      this.openRecords = 0;
      this.openBytes = 0;
    }
    this.releaseClosed();
  }

  /** Puts records that must be sent again at the front of their lanes, in the order given. */
  requeue(records: readonly OutgoingRecord<T>[]): void {
    if (records.length === 0) return;
    const byLane = new Map<string, OutgoingRecord<T>[]>();
    for (const record of records) {
      const list = byLane.get(record.laneId);
      if (list === undefined) byLane.set(record.laneId, [record]);
      else list.push(record);
    }
    for (const [laneId, list] of byLane) {
      const lane = this.lane(laneId);
      lane.retries = lane.retries.length === 0 ? list : list.concat(lane.retries);
    }
  }

  /** Takes the next batch at `now`. An empty batch means nothing may be sent now. */
  nextBatch(now: number): NextBatch<T> {
    const { batchSize, preserveOrder } = this.limits;
    const records: OutgoingRecord<T>[] = [];
    const keys = preserveOrder ? new Set<string>() : undefined;
    let bytes = 0;
    const { admission } = this;
    admission.wakeAt = Number.POSITIVE_INFINITY;
    const lanes = this.laneList;
    const count = lanes.length;
    const start = count === 0 ? 0 : this.rotation % count;
    this.rotation += 1;
    for (let offset = 0; offset < count; offset += 1) {
      if (records.length >= batchSize) break;
      const lane = lanes[(start + offset) % count]!;
      if ((lane.released === 0 && lane.retries.length === 0) || (preserveOrder && lane.inFlight > 0))
        continue;
      let stopped = false;
      if (lane.retries.length > 0) {
        const kept: OutgoingRecord<T>[] = [];
        for (const candidate of lane.retries) {
          if (stopped) {
            kept.push(candidate);
            continue;
          }
          const verdict = admission.consider(lane, candidate, records.length, bytes, keys, now);
          if (verdict === TAKE) {
            records.push(candidate);
            bytes += candidate.record.size;
          } else {
            kept.push(candidate);
            if (verdict === STOP || preserveOrder) stopped = true;
          }
        }
        lane.retries = kept;
      }
      while (!stopped && lane.released > 0) {
        const candidate = lane.queue.peek()!;
        if (admission.consider(lane, candidate, records.length, bytes, keys, now) !== TAKE) break;
        lane.queue.shift();
        lane.released -= 1;
        this.readyRecords -= 1;
        this.readyBytes -= candidate.record.size;
        records.push(candidate);
        bytes += candidate.record.size;
      }
    }
    return { records, bytes, wakeAt: admission.wakeAt };
  }

  /**
   * Takes out every record not in a call (in back-off, closed and waiting, released or not, a KPL
   * checksum pending or not, and the open records' items), per lane, and leaves the batcher
   * holding no lane: the producer is aborted. Records in a call are the send loop's
   * (SendLoop.takeInFlight).
   */
  takeAll(): Map<string, TakenRecord<T>[]> {
    const taken = new Map<string, TakenRecord<T>[]>();
    for (const lane of this.laneList) {
      const items = lane.takeAll();
      if (items.length > 0) taken.set(lane.shardId, items);
    }
    this.lanes.clear();
    this.laneList = [];
    this.closedUnreleasedRecords = 0;
    this.closedUnreleasedBytes = 0;
    this.openRecords = 0;
    this.openBytes = 0;
    this.openItemCount = 0;
    this.readyRecords = 0;
    this.readyBytes = 0;
    return taken;
  }

  /** True when no lane holds an item, a record or a call in flight. */
  get idle(): boolean {
    for (const lane of this.laneList) if (!lane.idle) return false;
    return true;
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

  /** Closes the lane's open record; undefined when it holds none, or its accumulator threw. */
  private flushOpen(lane: ShardLane<T>): AggregatedRecord | undefined {
    try {
      return lane.accumulator.flush();
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
    lane.accumulator = this.createAccumulator(this.limits.maxRecordBytes);
    this.openItemCount -= items.length;
    if (items.length > 0) this.broken.push({ items, laneId: lane.shardId, error });
    // The open records and their bytes, counted anew (the broken one's size cannot be trusted).
    let records = 0;
    let bytes = 0;
    for (const other of this.laneList) {
      if (other.accumulator.itemCount === 0) continue;
      records += 1;
      bytes += other.accumulator.size;
    }
    this.openRecords = records;
    this.openBytes = bytes;
  }

  /**
   * Queues the lane's open record, closed as `closed`: it holds the first `closed.itemCount`
   * items put in the lane's open record (all of them, or all but the one that did not fit).
   */
  private close(lane: ShardLane<T>, closed: AggregatedRecord): void {
    const items = lane.openItems;
    const rest = closed.itemCount < items.length ? items.splitOff(closed.itemCount) : undefined;
    this.openItemCount -= items.length;
    items.seal();
    lane.openItems = rest ?? new PackedItems<T>(items.length);
    this.queueRecord(lane, closed, items);
  }

  private queueRecord(lane: ShardLane<T>, closed: AggregatedRecord, items: RecordItems<T>): void {
    lane.queue.push({
      record: closed,
      items,
      laneId: lane.shardId,
      attempts: 0,
      notBefore: Number.NEGATIVE_INFINITY,
      possibleDuplicate: false,
      lastError: undefined,
    });
    lane.unreleasedBytes += closed.size;
    this.closedUnreleasedRecords += 1;
    this.closedUnreleasedBytes += closed.size;
  }
}
