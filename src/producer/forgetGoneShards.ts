import type { ProducerMetrics } from './ProducerMetrics.js';
import type { RecordBatcher } from './RecordBatcher.js';
import { UNASSIGNED_SHARD, type ShardPredictor } from './ShardPredictor.js';

/**
 * After a shard map load: drops the lanes of shards no longer open (closed by a resharding)
 * that hold nothing (no record open, waiting, to send again or in a call), and forgets the
 * metrics of shards the listing no longer shows (trimmed past the retention) and that have no
 * lane, as the consumer's stats() forget them (not a shard first counted after the listing
 * started: it is new, and the listing could not show it). A producer that runs through many resharding
 * cycles so keeps lanes for the open shards (and closed ones still draining) and metrics for
 * the shards the stream still lists. `unassigned` is no shard and is kept.
 */
export function forgetGoneShards<T>(
  predictor: Pick<ShardPredictor, 'isOpen' | 'isListed' | 'listing'>,
  batcher: RecordBatcher<T>,
  metrics: ProducerMetrics,
): void {
  batcher.forgetLanes((shardId) => shardId !== UNASSIGNED_SHARD && !predictor.isOpen(shardId));
  metrics.forget(
    (shardId) => shardId !== UNASSIGNED_SHARD && !predictor.isListed(shardId) && !batcher.lanes.has(shardId),
    predictor.listing,
  );
}
