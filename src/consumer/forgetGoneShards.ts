import type { GoneShardCleanup } from './GoneShardCleanup.js';
import type { LeaseManager } from './LeaseManager.js';
import type { ShardDirectory } from './ShardDirectory.js';
import type { ShardReadings } from './ShardReadings.js';

/**
 * After a listing: forgets the counters (stats) and lease history of shards the listing no longer
 * shows (trimmed past the retention after a resharding) and not read here, so a consumer that
 * runs through many resharding cycles keeps per shard only what the stream still has; and has
 * `cleanup` remove the group's stored state of such shards (see GoneShardCleanup).
 */
export function forgetGoneShards(
  directory: ShardDirectory,
  shards: ShardReadings,
  leases: LeaseManager,
  cleanup?: GoneShardCleanup,
): void {
  const gone = (shardId: string) => !directory.has(shardId) && !shards.readings.has(shardId);
  for (const shardId of shards.counters.keys()) if (gone(shardId)) shards.counters.delete(shardId);
  leases.forgetGone(gone);
  cleanup?.afterListing(directory);
}
