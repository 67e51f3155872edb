import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { KCL } from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';

/**
 * DynamoDBCheckpointer.forgetShards: deletes the lease items of the given shards that no one
 * holds as this process judges it (no owner, or a counter that stood still for the failover
 * time: see LeaseObservations), each with a DeleteItem conditioned on the counter it read, so a
 * take, renewal or checkpoint in between keeps the item. A handoff reservation alone does not
 * keep it (it gives no ownership). `serialized` runs each shard's step after this process's
 * other operations on it. Resolves the ids whose item is gone; what this process observed of
 * them (counters, handoff requests and reservations) is dropped too.
 */
export async function forgetLeaseItems(
  context: DynamoDBLeaseContext,
  table: string,
  streamName: string,
  shardIds: readonly string[],
  serialized: (shardId: string, step: () => Promise<boolean>) => Promise<boolean>,
): Promise<string[]> {
  const forgotten: string[] = [];
  for (const shardId of shardIds) {
    const gone = await serialized(shardId, async () => {
      const key = leaseKeyOf(table, streamName, shardId);
      const item = await context.store.get(table, streamName, shardId);
      const at = context.options.now(); // after the answer (see acquireLeaseItem)
      if (item !== undefined) {
        if (context.held.infoOf(table, streamName, item, at).owner !== undefined) return false;
        const reply = await context.store.deleteAtCounter(table, streamName, shardId, item[KCL.leaseCounter]);
        if (reply === 'condition-failed') return false;
      }
      // What this process saw of the item goes with it: counter and handoff observations.
      context.observations.forget(key);
      context.handoffs.forget(key);
      return true;
    });
    if (gone) forgotten.push(shardId);
  }
  return forgotten;
}
