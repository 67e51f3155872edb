import type { ShardLane } from './ShardLane.js';
import { UNASSIGNED_SHARD } from './ShardPredictor.js';

/** What the producer knows of the stream's shards: which are open, and each one's parents. */
export interface ShardLineage {
  isOpen(shardId: string): boolean;
  /** The shard's parents (ParentShardId, AdjacentParentShardId) as the last listing showed them. */
  parentsOf(shardId: string): readonly string[];
}

/**
 * With preserveOrder, the ids of the lanes that wait for a lane of one of their ancestors. After
 * a resharding, records queued for a parent before the producer learned of it are stored in its
 * children (Kinesis routes a record by its hash key to the open shard holding it), so a child's
 * lane sends nothing while a lane of one of its ancestors still holds records (open, closed, to
 * send again or in a call): a key's records reach the child in the order they were given, as a
 * reader reads a parent to its end before its children.
 *
 * The `unassigned` lane holds records whose hash key no open shard of the map covered: their
 * shard is not known, so it is taken as a child of every closed shard and a parent of every open
 * one. It waits while any lane of a closed shard holds records, and the lanes of open shards wait
 * while it holds any. Undefined when neither a lane of a closed shard nor the `unassigned` lane
 * holds anything (one pass over the lanes).
 */
export function lanesWaitingForAncestors<T>(
  lanes: readonly ShardLane<T>[],
  lineage: ShardLineage,
): ReadonlySet<string> | undefined {
  let draining: Set<string> | undefined;
  let unassignedHolds = false;
  for (const lane of lanes) {
    const { shardId } = lane;
    if (lane.idle) continue;
    if (shardId === UNASSIGNED_SHARD) unassignedHolds = true;
    else if (!lineage.isOpen(shardId)) (draining ??= new Set()).add(shardId);
  }
  if (draining === undefined && !unassignedHolds) return undefined;
  const closed: ReadonlySet<string> = draining ?? new Set();
  const waiting = new Set<string>();
  for (const lane of lanes) {
    if (lane.released === 0 && lane.retries.length === 0) continue;
    const { shardId } = lane;
    const waits =
      shardId === UNASSIGNED_SHARD
        ? closed.size > 0
        : (unassignedHolds && !closed.has(shardId)) || hasAncestorIn(shardId, closed, lineage);
    if (waits) waiting.add(shardId);
  }
  return waiting;
}

/** Whether an ancestor of `shardId` (a parent, a parent's parent, …) is in `ids`. */
function hasAncestorIn(shardId: string, ids: ReadonlySet<string>, lineage: ShardLineage): boolean {
  const seen = new Set<string>([shardId]);
  const next = [...lineage.parentsOf(shardId)];
  for (let parent = next.pop(); parent !== undefined; parent = next.pop()) {
    if (seen.has(parent)) continue;
    if (ids.has(parent)) return true;
    seen.add(parent);
    next.push(...lineage.parentsOf(parent));
  }
  return false;
}
