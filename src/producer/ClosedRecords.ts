import type { AggregatedRecord } from '../processors/Aggregator.js';
import type { BatchLimits, NextBatch } from './BatchLimits.js';
import { BatchAdmission, STOP, TAKE } from './BatchAdmission.js';
import type { OutgoingRecord } from './OutgoingRecord.js';
import type { RecordItems } from './RecordItems.js';
import type { ShardLane } from './ShardLane.js';
import type { ShardLanes } from './ShardLanes.js';
import { lanesWaitingForAncestors, type ShardLineage } from './ancestorLanes.js';

/**
 * The closed records of the lanes, and the PutRecords batches cut from them. A closed record
 * waits in its lane until released (by the batcher: batch size, byte size, a full aggregated
 * record, a full queue, bufferTime or a flush); nextBatch() then takes released records and
 * records to send again from all lanes, within the call limits and each lane's budgets,
 * round-robin over the lanes.
 *
 * Every operation costs O(1) per record moved (the waiting records are FIFO queues, the totals
 * are kept as counters).
 */
export class ClosedRecords<T> {
  /** Closed records not released yet, in all lanes, and their bytes. */
  private unreleasedCount = 0;
  private unreleasedByteCount = 0;
  /** Released records not taken into a batch yet (retries aside), and their bytes. */
  private readyCount = 0;
  private readyByteCount = 0;
  private rotation = 0;
  private readonly admission: BatchAdmission<T>;

  /**
   * @param lineage With preserveOrder, a lane waits for its ancestors' lanes (see
   *   lanesWaitingForAncestors).
   */
  constructor(
    private readonly lanes: ShardLanes<T>,
    private readonly limits: BatchLimits,
    private readonly lineage?: ShardLineage,
  ) {
    this.admission = new BatchAdmission<T>(limits);
  }

  /** Closed records not released yet in all lanes. */
  get unreleasedRecords(): number {
    return this.unreleasedCount;
  }

  /** Bytes of the closed records not released yet in all lanes. */
  get unreleasedBytes(): number {
    return this.unreleasedByteCount;
  }

  /**
   * True when at least a PutRecords call's worth of released records waits for a call: more
   * records could not go any sooner.
   */
  get callReady(): boolean {
    return this.readyCount >= this.limits.batchSize || this.readyByteCount >= this.limits.maxRequestBytes;
  }

  /** Queues `record`, closed in `lane` and holding `items`, behind the lane's closed records. */
  add(lane: ShardLane<T>, record: AggregatedRecord, items: RecordItems<T>): void {
    lane.queue.push({
      record,
      items,
      laneId: lane.shardId,
      attempts: 0,
      attemptsBefore: 0,
      notBefore: Number.NEGATIVE_INFINITY,
      possibleDuplicate: false,
      lastError: undefined,
    });
    lane.unreleasedBytes += record.size;
    this.unreleasedCount += 1;
    this.unreleasedByteCount += record.size;
  }

  /** Lets every closed record go. */
  release(): void {
    if (this.unreleasedCount === 0) return;
    this.readyCount += this.unreleasedCount;
    this.readyByteCount += this.unreleasedByteCount;
    for (const lane of this.lanes.list) {
      lane.released = lane.queue.length;
      lane.unreleasedBytes = 0;
    }
    this.unreleasedCount = 0;
    this.unreleasedByteCount = 0;
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
      const lane = this.lanes.lane(laneId);
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
    const lanes = this.lanes.list;
    const waiting =
      preserveOrder && this.lineage !== undefined ? lanesWaitingForAncestors(lanes, this.lineage) : undefined;
    const count = lanes.length;
    const start = count === 0 ? 0 : this.rotation % count;
    this.rotation += 1;
    for (let offset = 0; offset < count; offset += 1) {
      if (records.length >= batchSize) break;
      const lane = lanes[(start + offset) % count]!;
      if ((lane.released === 0 && lane.retries.length === 0) || (preserveOrder && lane.inFlight > 0))
        continue;
      if (waiting?.has(lane.shardId) === true) continue;
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
        this.readyCount -= 1;
        this.readyByteCount -= candidate.record.size;
        records.push(candidate);
        bytes += candidate.record.size;
      }
    }
    return { records, bytes, wakeAt: admission.wakeAt };
  }

  /** Forgets every closed record (the lanes' records were taken out, see RecordBatcher.takeAll). */
  clear(): void {
    this.unreleasedCount = 0;
    this.unreleasedByteCount = 0;
    this.readyCount = 0;
    this.readyByteCount = 0;
  }
}
