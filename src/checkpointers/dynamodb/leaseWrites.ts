import type { CheckpointPosition, Lease, ShardLineage } from '../Checkpointer.js';
import type { ReleaseLeaseOptions } from '../LeaseCoordinator.js';
import type { ReleaseLeaseResult } from '../ReleaseLeaseResult.js';
import { comparePositions } from '../comparePositions.js';
import { LeaseLostError } from '../errors/LeaseLostError.js';
import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { HANDOFF, HANDOFF_ATTRIBUTES } from './handoffAttributes.js';
import { holdsLeaseItemUpdate } from './holdsLeaseItemUpdate.js';
import {
  FIRST_ITEM_DONE,
  KCL,
  leaseCounterOf,
  lineageAttributes,
  PENDING_CHECKPOINT,
  positionUpdate,
  SENTINEL,
} from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';
import type { LeaseItemUpdate } from './LeaseItemStore.js';

// Writes through a held lease: renewal, release, checkpoint and shard end. Each is one write
// conditioned on the counter and owner this process last wrote, and increments the counter.

/** Renews a held lease; LeaseLostError if it was lost. */
export async function renewHeldLease(
  context: DynamoDBLeaseContext,
  table: string,
  lease: Lease,
): Promise<Lease> {
  const held = await context.held.heldOrLost(table, lease);
  // A renewal writes nothing but the counter: a late write of ours found in its place renews too.
  while (!(await context.held.conditionalUpdate(table, lease, held, { set: {} }, true)));
  return { ...lease, expiresAt: held.expiresAt };
}

const NOT_RESERVED: ReleaseLeaseResult = { reservedFor: undefined };

/**
 * Gives up a held lease (no-op when not held under this token), reserving it for `handoffTo`
 * for `handoffReservationMs` when given and that worker is live as a fresh read of its item shows
 * (a requester that died while the owner drained its records would otherwise keep the shard
 * unread for the whole reservation). A read that fails reserves it as asked. Returns whom the
 * lease was reserved for.
 */
export async function releaseHeldLease(
  context: DynamoDBLeaseContext,
  table: string,
  lease: Lease,
  options: ReleaseLeaseOptions,
): Promise<ReleaseLeaseResult> {
  const key = leaseKeyOf(table, lease.streamName, lease.shardId);
  const held = context.held.get(key);
  if (held === undefined || held.token !== lease.token) return NOT_RESERVED;
  try {
    await context.held.settle(table, lease, held);
  } catch (error) {
    if (error instanceof LeaseLostError) return NOT_RESERVED; // nothing of ours left to release
    throw error;
  }
  const handoffTo =
    options.handoffTo !== undefined && (await requesterLive(context, lease.streamName, options.handoffTo))
      ? options.handoffTo
      : undefined;
  if (context.held.get(key) !== held) return NOT_RESERVED; // closed meanwhile
  context.held.delete(key);
  const { store, observations, handoffs } = context;
  const at = context.options.now();
  const until = at + context.options.handoffReservationMs;
  const update: LeaseItemUpdate =
    handoffTo === undefined
      ? { set: {}, remove: [KCL.leaseOwner, ...HANDOFF_ATTRIBUTES] }
      : {
          set: {
            [HANDOFF.reservedFor]: { S: handoffTo },
            [HANDOFF.reservedUntil]: { N: String(until) },
          },
          remove: [KCL.leaseOwner, HANDOFF.requester, HANDOFF.deadline],
        };
  let result = await store.updateThroughLease(table, lease, held.counter, held.counter + 1, update);
  while (result === 'condition-failed') {
    const item = await store.get(table, lease.streamName, lease.shardId);
    // This very release, applied on an attempt whose answer was lost (its retry failed against it).
    if (item !== undefined && leaseCounterOf(item) === held.counter + 1 && holdsLeaseItemUpdate(item, update))
      break;
    // A late write of ours found in the item (see conditionalUpdate): the lease is still ours to give up.
    if (!context.held.tookInLateWrite(table, lease, held, item)) return NOT_RESERVED;
    result = await store.updateThroughLease(table, lease, held.counter, held.counter + 1, update);
  }
  observations.wrote(key, held.counter + 1, at);
  if (handoffTo !== undefined) handoffs.wroteReservation(key, handoffTo, until, at);
  return { reservedFor: handoffTo };
}

/** Whether the worker a release would reserve the lease for is live (true if that cannot be read). */
async function requesterLive(
  context: DynamoDBLeaseContext,
  streamName: string,
  requester: string,
): Promise<boolean> {
  try {
    const table = await context.tables.workersTable(streamName);
    return await context.workers.isLive(table, streamName, requester, context.options.now);
  } catch {
    return true; // the store did not answer (or has no workers table): reserve as asked
  }
}

/** Stores `position` unless the stored checkpoint is later or the shard end; true if stored. */
export async function writeCheckpoint(
  context: DynamoDBLeaseContext,
  table: string,
  lease: Lease,
  position: CheckpointPosition,
): Promise<boolean> {
  const held = await context.held.heldOrLost(table, lease);
  // Decided afresh when a late write of ours is found in the item (see conditionalUpdate).
  for (;;) {
    const stored = held.checkpoint;
    if (stored?.kind === 'shard-end') return false;
    if (stored?.kind === 'position' && comparePositions(position, stored.position) < 0) return false;
    const { set, remove } = positionUpdate(position, held.kclPositioned);
    const written = await context.held.conditionalUpdate(table, lease, held, {
      set: { ...set, [KCL.ownerSwitchesSinceCheckpoint]: { N: '0' } },
      remove: [...remove, ...PENDING_CHECKPOINT],
    });
    if (written) {
      held.checkpoint = { kind: 'position', position: { ...position } };
      if (set[KCL.checkpoint] !== undefined) held.kclPositioned = true;
      return true;
    }
  }
}

/**
 * Stores the KCL's SHARD_END checkpoint through a held lease and, in the same write, the shard's
 * `childShardIds` when given and none are stored yet (as the KCL records them at SHARD_END).
 */
export async function writeShardEnd(
  context: DynamoDBLeaseContext,
  table: string,
  lease: Lease,
  lineage?: ShardLineage,
): Promise<void> {
  const held = await context.held.heldOrLost(table, lease);
  const children = lineageAttributes(
    lineage?.childShardIds === undefined ? undefined : { childShardIds: lineage.childShardIds },
  )[KCL.childShardIds];
  const update = {
    set: {
      [KCL.checkpoint]: { S: SENTINEL.shardEnd },
      [KCL.checkpointSubSequenceNumber]: { N: '0' },
      [KCL.ownerSwitchesSinceCheckpoint]: { N: '0' },
    },
    remove: [FIRST_ITEM_DONE, ...PENDING_CHECKPOINT],
    ...(children !== undefined ? { setIfMissing: { [KCL.childShardIds]: children } } : {}),
  };
  // Written again when a late write of ours is found in the item (see conditionalUpdate).
  while (!(await context.held.conditionalUpdate(table, lease, held, update)));
  held.checkpoint = { kind: 'shard-end' };
}
