import type { Lease } from '../Checkpointer.js';
import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { HANDOFF_ATTRIBUTES, handoffFieldsOf } from './handoffAttributes.js';
import { checkpointOf, KCL, leaseCounterOf, leaseOwnerOf, type LeaseItem } from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';

/**
 * Takes a shard's lease for `owner` when it is free, expired, handed over to `owner`, or held
 * past the deadline of `owner`'s unanswered handoff request; creates the lease item of a shard
 * that has none. Undefined when the lease is not to be had (or another worker won the write).
 */
export async function acquireLeaseItem(
  context: DynamoDBLeaseContext,
  table: string,
  streamName: string,
  shardId: string,
  owner: string,
): Promise<Lease | undefined> {
  const { options, store, observations, held } = context;
  const key = leaseKeyOf(table, shardId);
  const readAt = options.now();
  const item = await store.get(table, streamName, shardId);
  if (item === undefined) return createLeaseItem(context, table, streamName, shardId, owner);
  const counter = leaseCounterOf(item);
  const current = leaseOwnerOf(item);
  const expiresAt = observations.observe(key, counter, readAt);
  const now = options.now();
  const { request, reservation } = handoffFieldsOf(item);
  if (current !== undefined && now < expiresAt) {
    // Held live, by another worker or by another instance with this worker id (a live lease is
    // never handed out again): ours only if our handoff request passed its deadline unanswered.
    const due =
      request?.requester === owner &&
      request.deadline <= now &&
      now < request.deadline + options.handoffTimeoutMs;
    if (!due) return undefined;
  } else if (reservation !== undefined && reservation.worker !== owner && now < reservation.until) {
    return undefined; // released for a handoff to another worker
  }
  // Free, expired (ours from an earlier life of this worker too), or handed over: take it over.
  const at = options.now();
  const result = await store.update<{ Attributes?: LeaseItem }>(table, streamName, shardId, {
    UpdateExpression:
      (current === owner
        ? 'SET #owner = :owner, #counter = :next'
        : 'SET #owner = :owner, #counter = :next, #switches = if_not_exists(#switches, :zero) + :one') +
      ' REMOVE #h0, #h1, #h2, #h3',
    ConditionExpression: '#counter = :counter',
    ExpressionAttributeNames: {
      '#owner': KCL.leaseOwner,
      '#counter': KCL.leaseCounter,
      ...(current === owner ? {} : { '#switches': KCL.ownerSwitchesSinceCheckpoint }),
      ...Object.fromEntries(HANDOFF_ATTRIBUTES.map((name, index) => [`#h${index}`, name])),
    },
    ExpressionAttributeValues: {
      ':owner': { S: owner },
      ':next': { N: String(counter + 1) },
      ':counter': { N: String(counter) },
      ...(current === owner ? {} : { ':zero': { N: '0' }, ':one': { N: '1' } }),
    },
    ReturnValues: 'ALL_NEW',
  });
  if (result === 'condition-failed') return undefined;
  return held.hold(key, streamName, shardId, owner, counter + 1, at, checkpointOf(result.Attributes ?? item));
}

/** Creates a shard's lease item, held by `owner`, at the initial position. */
async function createLeaseItem(
  context: DynamoDBLeaseContext,
  table: string,
  streamName: string,
  shardId: string,
  owner: string,
): Promise<Lease | undefined> {
  const { options, store, held } = context;
  const at = options.now();
  const result = await store.create(table, streamName, shardId, {
    [KCL.leaseKey]: { S: shardId },
    [KCL.leaseOwner]: { S: owner },
    [KCL.leaseCounter]: { N: '1' },
    [KCL.checkpoint]: { S: options.initialPosition },
    [KCL.checkpointSubSequenceNumber]: { N: '0' },
    [KCL.ownerSwitchesSinceCheckpoint]: { N: '0' },
  });
  if (result === 'condition-failed') return undefined;
  return held.hold(leaseKeyOf(table, shardId), streamName, shardId, owner, 1, at, undefined);
}
