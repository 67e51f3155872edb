import type { OutgoingRecord } from './OutgoingRecord.js';
import type { RecordBatcher } from './RecordBatcher.js';
import { UNASSIGNED_SHARD, type ShardPredictor } from './ShardPredictor.js';

type LanePredictor = Pick<ShardPredictor, 'isOpen' | 'predict'>;

/**
 * An item sent again as a record of its own (its KPL record was stored in another shard than
 * predicted, see MispredictedAggregates) waits in the lane of the shard its record was
 * aggregated for. Once the shard map no longer holds that shard as open (the resharding that
 * put the record elsewhere closed it), the item's record goes in the lane of the shard its own
 * key maps to now: Kinesis stores it there, and meters it by that shard's budget, not by the
 * closed one's (whose lane alone would pace every such item of a split at one shard's rate).
 * Returns `record` itself when it stays where it is, as always with `preserveOrder`: the lane it
 * waits in may still hold records queued for the closed shard with later items of its key, and
 * only one lane keeps them behind it (one call in flight, records to send again first).
 */
export function relaneResend<T>(
  record: OutgoingRecord<T>,
  predictor: LanePredictor,
  preserveOrder: boolean,
): OutgoingRecord<T> {
  if (preserveOrder || record.attemptsBefore === 0 || predictor.isOpen(record.laneId)) return record;
  const { partitionKey, explicitHashKey } = record.record;
  const laneId = predictor.predict(partitionKey, explicitHashKey);
  if (laneId === UNASSIGNED_SHARD || laneId === record.laneId) return record;
  return { ...record, laneId };
}

/**
 * After a shard map load: moves the items sent again on their own that wait (in back-off or for
 * a budget) in the lane of a shard closed since to the lanes of the shards their keys map to
 * now (see relaneResend; none with `preserveOrder`).
 */
export function relaneWaitingResends<T>(
  predictor: LanePredictor,
  batcher: RecordBatcher<T>,
  preserveOrder: boolean,
): void {
  if (preserveOrder) return;
  batcher.moveRetries((record) => relaneResend(record, predictor, false));
}
