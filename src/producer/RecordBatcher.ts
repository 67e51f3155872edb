import type { AggregatedRecord, Aggregator } from '../processors/Aggregator.js';
import type { OutgoingRecord, QueuedItem } from './OutgoingRecord.js';
import { ShardLane } from './ShardLane.js';

export interface BatchLimits {
  readonly batchSize: number;
  readonly maxRequestBytes: number;
  readonly maxRecordBytes: number;
  readonly recordsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly preserveOrder: boolean;
}

/** One PutRecords call's worth of records, and when to look again for what had to wait. */
export interface NextBatch<T> {
  readonly records: OutgoingRecord<T>[];
  readonly bytes: number;
  /** Earliest time a record held back by a budget or a back-off may go (Infinity: none). */
  readonly wakeAt: number;
}

/**
 * Aggregates items per predicted shard and cuts PutRecords batches. Items go into their lane's
 * open record; closed records wait in the lane until released (by batch size, byte size,
 * bufferTime or a flush). nextBatch() then takes released records from all lanes, within the
 * call limits and each lane's budgets, round-robin over the lanes.
 */
export class RecordBatcher<T> {
  readonly lanes = new Map<string, ShardLane<T>>();
  private rotation = 0;

  constructor(
    private readonly aggregator: Aggregator,
    private readonly limits: BatchLimits,
  ) {}

  lane(shardId: string): ShardLane<T> {
    let lane = this.lanes.get(shardId);
    if (lane === undefined) {
      lane = new ShardLane<T>(
        shardId,
        this.aggregator.createAccumulator(this.limits.maxRecordBytes),
        this.limits.recordsPerSecond,
        this.limits.bytesPerSecond,
      );
      this.lanes.set(shardId, lane);
    }
    return lane;
  }

  /**
   * Adds an item to its lane's open record. Throws what the accumulator throws (e.g.
   * RecordTooLargeError), leaving everything as it was.
   */
  add(item: QueuedItem<T>, shardId: string): void {
    const lane = this.lane(shardId);
    const closed = lane.accumulator.add({
      data: item.data,
      partitionKey: item.partitionKey,
      ...(item.explicitHashKey === undefined ? {} : { explicitHashKey: item.explicitHashKey }),
    });
    lane.openItems.push(item);
    if (closed !== undefined) this.close(lane, closed);
  }

  /** Records not yet released in all lanes (the open ones included). */
  get unreleasedRecords(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.unreleasedRecords;
    return count;
  }

  /** Bytes not yet released in all lanes (the open records included). */
  get unreleasedBytes(): number {
    let bytes = 0;
    for (const lane of this.lanes.values()) bytes += lane.unreleasedBytes + lane.accumulator.size;
    return bytes;
  }

  /** Closes every open record and lets every waiting record go. */
  releaseAll(): void {
    for (const lane of this.lanes.values()) {
      const closed = lane.accumulator.flush();
      if (closed !== undefined) this.close(lane, closed);
      lane.released = lane.queue.length;
      lane.unreleasedBytes = 0;
    }
  }

  /** Puts records that must be sent again at the front of their lanes, in the order given. */
  requeue(records: readonly OutgoingRecord<T>[]): void {
    const byLane = new Map<string, OutgoingRecord<T>[]>();
    for (const record of records) {
      const list = byLane.get(record.laneId) ?? [];
      list.push(record);
      byLane.set(record.laneId, list);
    }
    for (const [laneId, list] of byLane) {
      const lane = this.lane(laneId);
      lane.queue = [...list, ...lane.queue];
      lane.released += list.length;
    }
  }

  /** Takes the next batch at `now`. An empty batch means nothing may be sent now. */
  nextBatch(now: number): NextBatch<T> {
    const { batchSize, maxRequestBytes, preserveOrder } = this.limits;
    const records: OutgoingRecord<T>[] = [];
    const keys = new Set<string>();
    let bytes = 0;
    let wakeAt = Number.POSITIVE_INFINITY;
    const lanes = [...this.lanes.values()];
    const start = lanes.length === 0 ? 0 : this.rotation % lanes.length;
    this.rotation += 1;
    for (let offset = 0; offset < lanes.length; offset += 1) {
      if (records.length >= batchSize) break;
      const lane = lanes[(start + offset) % lanes.length]!;
      if (lane.released === 0 || (preserveOrder && lane.inFlight > 0)) continue;
      const kept: OutgoingRecord<T>[] = [];
      let stopped = false;
      for (let i = 0; i < lane.released; i += 1) {
        const candidate = lane.queue[i]!;
        if (stopped) {
          kept.push(candidate);
          continue;
        }
        const size = candidate.record.size;
        let hold = false;
        if (candidate.notBefore > now) {
          wakeAt = Math.min(wakeAt, candidate.notBefore);
          hold = true;
          stopped = preserveOrder;
        } else if (records.length >= batchSize || bytes + size > maxRequestBytes) {
          hold = true;
          stopped = true;
        } else if (preserveOrder && [...candidate.keys].some((key) => keys.has(key))) {
          hold = true;
          stopped = true;
        } else {
          const delay = lane.budgetDelay(size, now);
          if (delay > 0) {
            wakeAt = Math.min(wakeAt, now + delay);
            hold = true;
            stopped = true;
          }
        }
        if (hold) {
          kept.push(candidate);
          continue;
        }
        lane.spend(size, now);
        records.push(candidate);
        bytes += size;
        if (preserveOrder) for (const key of candidate.keys) keys.add(key);
      }
      if (kept.length !== lane.released) {
        lane.queue = [...kept, ...lane.queue.slice(lane.released)];
        lane.released = kept.length;
      }
    }
    return { records, bytes, wakeAt };
  }

  /** True when no lane holds an item, a record or a call in flight. */
  get idle(): boolean {
    for (const lane of this.lanes.values()) if (!lane.idle) return false;
    return true;
  }

  /** Drops lanes that hold nothing (e.g. shards closed by a resharding). */
  pruneIdleLanes(openShards: ReadonlySet<string>): void {
    for (const [shardId, lane] of this.lanes)
      if (lane.idle && !openShards.has(shardId)) this.lanes.delete(shardId);
  }

  private close(lane: ShardLane<T>, closed: AggregatedRecord): void {
    const items = lane.openItems.splice(0, closed.itemCount);
    lane.queue.push({
      record: closed,
      items,
      laneId: lane.shardId,
      keys: new Set(items.map((item) => item.partitionKey)),
      attempts: 0,
      notBefore: Number.NEGATIVE_INFINITY,
      possibleDuplicate: false,
      lastError: undefined,
    });
    lane.unreleasedBytes += closed.size;
  }
}
