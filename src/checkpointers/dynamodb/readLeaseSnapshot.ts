import type { LeaseSnapshot, LeaseState } from '../LeaseCoordinator.js';
import { validateNonEmptyString } from '../validateCheckpointerArguments.js';
import { byShardId } from './byShardId.js';
import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { handoffFieldsOf } from './handoffAttributes.js';
import { leaseOwnerOf } from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';

/**
 * Every lease of a stream worth reporting (owned, lapsed, checkpointed, requested or reserved)
 * with its pending handoff request or reservation, and the live workers with their published
 * caps, shards in name order.
 * Times are on this process's clock.
 */
export async function readLeaseSnapshot(
  context: DynamoDBLeaseContext,
  streamName: string,
): Promise<LeaseSnapshot> {
  const { options, tables, store, workers, held, handoffs } = context;
  validateNonEmptyString(streamName, 'streamName');
  const table = await tables.leaseTable(streamName);
  const workersTable = await tables.workersTable(streamName);
  const items = await store.scan(table, streamName);
  // Counters are judged from when the answer came (see acquireLeaseItem).
  const at = options.now();
  const now = at;
  const { workers: liveWorkers, caps: workerCaps } = await workers.live(
    workersTable,
    streamName,
    options.now,
  );
  const leases: LeaseState[] = [];
  for (const item of items) {
    const info = held.infoOf(table, streamName, item, at);
    const key = leaseKeyOf(table, streamName, info.shardId);
    const { request, reservation } = handoffs.observe(key, handoffFieldsOf(item), at);
    const handoff =
      info.owner !== undefined && request !== undefined && now < request.deadline + options.handoffTimeoutMs
        ? { requester: request.requester, deadline: request.deadline }
        : undefined;
    const reserved =
      info.owner === undefined && reservation !== undefined && now < reservation.until
        ? reservation
        : undefined;
    // A release removes the owner (ours and the KCL's alike): one still stored on a lease that is
    // not live ran out, and its worker's handler may still hold records of the shard.
    const lapsedOwner = info.owner === undefined ? leaseOwnerOf(item) : undefined;
    if (
      info.owner === undefined &&
      info.checkpoint === undefined &&
      handoff === undefined &&
      reserved === undefined &&
      lapsedOwner === undefined
    )
      continue;
    leases.push({
      ...info,
      ...(lapsedOwner !== undefined ? { lapsedOwner } : {}),
      ...(handoff !== undefined ? { handoff } : {}),
      ...(reserved !== undefined ? { reservation: { worker: reserved.worker, until: reserved.until } } : {}),
    });
  }
  return { now, liveWorkers, workerCaps, leases: leases.sort(byShardId) };
}
