import type { RecordWithDigest } from '../processors/aggregators/deferredDigest.js';
import type { BatchLimits } from './BatchLimits.js';
import type { OutgoingRecord } from './OutgoingRecord.js';
import type { ShardLane } from './ShardLane.js';

export const TAKE = 0;
/** Held by its back-off: later records of the lane may still go (unless preserveOrder). */
export const SKIP = 1;
/** Held by the call limits, a budget or preserveOrder: nothing after it in the lane goes now. */
export const STOP = 2;

/**
 * Whether a record may join the PutRecords batch being cut (RecordBatcher.nextBatch), and the
 * earliest time one held back by a back-off or a budget may go (kept in a field, so that a
 * verdict allocates nothing).
 */
export class BatchAdmission<T> {
  wakeAt = Number.POSITIVE_INFINITY;

  constructor(private readonly limits: BatchLimits) {}

  /** Whether `candidate` may join the batch now; spends the lane's budget when it may. */
  consider(
    lane: ShardLane<T>,
    candidate: OutgoingRecord<T>,
    batched: number,
    bytes: number,
    keys: Set<string> | undefined,
    now: number,
  ): number {
    if (candidate.notBefore > now) {
      if (candidate.notBefore < this.wakeAt) this.wakeAt = candidate.notBefore;
      return SKIP;
    }
    // A KPL record whose checksum is still computed elsewhere waits (a pump follows).
    const digest = (candidate.record as RecordWithDigest).pendingDigest;
    if (digest !== undefined && !digest.done) return STOP;
    const size = candidate.record.size;
    if (batched >= this.limits.batchSize || bytes + size > this.limits.maxRequestBytes) return STOP;
    if (keys !== undefined) {
      const { items } = candidate;
      for (let i = 0; i < items.length; i += 1) if (keys.has(items.partitionKey(i))) return STOP;
    }
    const delay = lane.budgetDelay(size, now);
    if (delay > 0) {
      if (now + delay < this.wakeAt) this.wakeAt = now + delay;
      return STOP;
    }
    lane.spend(size, now);
    if (keys !== undefined) {
      const { items } = candidate;
      for (let i = 0; i < items.length; i += 1) keys.add(items.partitionKey(i));
    }
    return TAKE;
  }
}
