import type { DigestSink } from '../processors/aggregators/deferredDigest.js';
import { isNoneAggregator } from '../processors/aggregators/noneAggregator.js';
import type { Processor } from '../processors/Processor.js';
import type { BatchLimits, NextBatch } from './BatchLimits.js';
import { ClosedRecords } from './ClosedRecords.js';
import type { ShardLineage } from './ancestorLanes.js';
import { laneAccumulators } from './LaneAccumulator.js';
import { type BrokenRecord, OpenRecords } from './OpenRecords.js';
import type { OutgoingRecord, QueuedItem } from './OutgoingRecord.js';
import type { ShardLane, TakenRecord } from './ShardLane.js';
import { ShardLanes } from './ShardLanes.js';
import { recordSizes } from './recordSizes.js';

export type { BrokenRecord } from './OpenRecords.js';

/**
 * Aggregates items per predicted shard and cuts PutRecords batches. Items go into their lane's
 * open record (OpenRecords); closed records wait in the lane until released (by batch size, byte
 * size, a full aggregated record, a full queue, bufferTime or a flush) and are cut into batches
 * (ClosedRecords).
 *
 * Every operation costs O(1) per record or item moved (the waiting records are FIFO queues, the
 * unreleased totals are kept as counters), so a long queue costs no more per item than a short one.
 */
export class RecordBatcher<T> {
  private readonly shardLanes: ShardLanes<T>;
  private readonly open: OpenRecords<T>;
  private readonly closed: ClosedRecords<T>;
  private closingCount = 0;
  /** Items are aggregated (several to a record). */
  readonly aggregates: boolean;

  constructor(processor: Processor<T>, limits: BatchLimits, digests?: DigestSink, lineage?: ShardLineage) {
    this.aggregates = processor.aggregator.aggregates;
    const sizes = recordSizes(this.aggregates, limits);
    this.shardLanes = new ShardLanes<T>(laneAccumulators(processor, digests), limits, sizes.paceBurst);
    this.closed = new ClosedRecords<T>(this.shardLanes, limits, lineage);
    this.open = new OpenRecords<T>(
      this.shardLanes,
      this.closed,
      sizes,
      isNoneAggregator(processor.aggregator),
    );
  }

  /** The lanes by shard id. */
  get lanes(): ReadonlyMap<string, ShardLane<T>> {
    return this.shardLanes.byId;
  }

  lane(shardId: string): ShardLane<T> {
    return this.shardLanes.lane(shardId);
  }

  /** See ShardLanes.forget. */
  forgetLanes(gone: (shardId: string) => boolean): void {
    this.shardLanes.forget(gone);
  }

  /** See OpenRecords.add. */
  add(item: QueuedItem<T>, shardId: string): boolean {
    return this.open.add(item, this.shardLanes.lane(shardId));
  }

  /** Items in open records (aggregated records still filling). */
  get openItems(): number {
    return this.open.items;
  }

  /**
   * How many times the open records were closed before they were full (bufferTime, a full
   * queue, flush): a default key's run of items whose record was closed so ends there (see
   * ItemPreparer.randomKey).
   */
  get closings(): number {
    return this.closingCount;
  }

  /** Whether the lane of `shardId` has an open record (holding items). */
  hasOpenRecord(shardId: string): boolean {
    // Looked up, not made: a lane of a shard that has none (gone since) is not added.
    const lane = this.shardLanes.byId.get(shardId);
    return lane !== undefined && lane.accumulator.itemCount > 0;
  }

  /** Records not yet released in all lanes (the open ones included). */
  get unreleasedRecords(): number {
    return this.closed.unreleasedRecords + this.open.records;
  }

  /** Closed records not yet released in all lanes. */
  get unreleasedClosedRecords(): number {
    return this.closed.unreleasedRecords;
  }

  /** Bytes not yet released in all lanes (the open records included). */
  get unreleasedBytes(): number {
    return this.closed.unreleasedBytes + this.open.bytes;
  }

  /** See ClosedRecords.callReady. */
  get callReady(): boolean {
    return this.closed.callReady;
  }

  /** Lets every closed record go; open records stay open. */
  releaseClosed(): void {
    this.closed.release();
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
    this.closingCount += 1;
    this.open.closeWhereNoneWaits();
    this.closed.release();
  }

  /** Closes every open record and lets every waiting record go (flush, close). */
  releaseAll(): void {
    this.closingCount += 1;
    this.open.closeAll();
    this.closed.release();
  }

  /** See ClosedRecords.requeue. */
  requeue(records: readonly OutgoingRecord<T>[]): void {
    this.closed.requeue(records);
  }

  /**
   * Moves each record waiting to be sent again to the lane of the record `moved` gives for it
   * (`moved` returns the record itself to keep it where it is); moved records go in front of
   * their new lanes' records to send again.
   */
  moveRetries(moved: (record: OutgoingRecord<T>) => OutgoingRecord<T>): void {
    const leaving: OutgoingRecord<T>[] = [];
    for (const lane of this.shardLanes.list) {
      if (lane.retries.length === 0) continue;
      const kept: OutgoingRecord<T>[] = [];
      for (const record of lane.retries) {
        const next = moved(record);
        if (next === record) kept.push(record);
        else leaving.push(next);
      }
      lane.retries = kept;
    }
    this.closed.requeue(leaving);
  }

  /** See ClosedRecords.nextBatch. */
  nextBatch(now: number): NextBatch<T> {
    return this.closed.nextBatch(now);
  }

  /**
   * Takes out every record not in a call (in back-off, closed and waiting, released or not, a KPL
   * checksum pending or not, and the open records' items), per lane, and leaves the batcher
   * holding no lane: the producer is aborted. Records in a call are the send loop's
   * (SendLoop.takeInFlight).
   */
  takeAll(): Map<string, TakenRecord<T>[]> {
    const taken = new Map<string, TakenRecord<T>[]>();
    for (const lane of this.shardLanes.list) {
      const items = lane.takeAll();
      if (items.length > 0) taken.set(lane.shardId, items);
    }
    this.shardLanes.clear();
    this.open.clear();
    this.closed.clear();
    return taken;
  }

  /** True when no lane holds an item, a record or a call in flight. */
  get idle(): boolean {
    for (const lane of this.shardLanes.list) if (!lane.idle) return false;
    return true;
  }

  /** See OpenRecords.takeBroken. */
  takeBroken(): BrokenRecord<T>[] {
    return this.open.takeBroken();
  }

  /** True when takeBroken() has records to give. */
  get hasBroken(): boolean {
    return this.open.hasBroken;
  }
}
