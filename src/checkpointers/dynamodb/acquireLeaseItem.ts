import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Lease, ShardLineage } from '../Checkpointer.js';
import { writeLog } from '../../logging/writeLog.js';
import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { HANDOFF_ATTRIBUTES, handoffFieldsOf } from './handoffAttributes.js';
import {
  KCL,
  leaseCounterOf,
  leaseOwnerOf,
  lineageAttributes,
  ownerSwitchesOf,
  SENTINEL,
  type LeaseItem,
} from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';
import { TAKE_TOKEN, type LeaseTake } from './leaseTake.js';
import { settleLostTake } from './settleLostTake.js';

/**
 * Takes a shard's lease for `owner` when it is free, expired, handed over to `owner`, or held
 * past the deadline of `owner`'s unanswered handoff request; creates the lease item of a shard
 * that has none, with `lineage` (parents, hash key range) as the KCL writes it. An existing item
 * missing lineage attributes gets them from `lineage` in the same write (never overwriting one).
 * Undefined when the lease is not to be had (or another worker won the write). A take whose
 * answer was lost finds out at once whether it landed (see settleLostTake); one that could not
 * find out is recognized by the next acquire, which then takes the lease again without waiting.
 */
export async function acquireLeaseItem(
  context: DynamoDBLeaseContext,
  table: string,
  streamName: string,
  shardId: string,
  owner: string,
  lineage?: ShardLineage,
): Promise<Lease | undefined> {
  const { options, store, observations, held, handoffs, lostTakes } = context;
  const key = leaseKeyOf(table, streamName, shardId);
  const item = await store.get(table, streamName, shardId);
  // The counter read is judged from when its answer came (it may have been written after the
  // read was sent): its owner's deadline counts from when the owner sent the write.
  const readAt = options.now();
  // Our own earlier take whose outcome was unknown landed, or a write through our lease landed
  // after that lease ran out: the lease is ours, take it again now.
  const ours = lostTakes.recognize(key, item, owner) || held.lateWriteOfExpired(key, item, owner);
  if (item === undefined) return createLeaseItem(context, table, streamName, shardId, owner, lineage);
  const counter = leaseCounterOf(item);
  const current = leaseOwnerOf(item);
  const expiresAt = observations.observe(key, counter, readAt);
  const now = options.now();
  const { request, reservation } = handoffs.observe(key, handoffFieldsOf(item), readAt);
  if (ours) {
    // Held by this process as the table says (not by another instance with this worker id).
  } else if (current !== undefined && now < expiresAt) {
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
  // Free, expired (ours from an earlier life of this worker too), or handed over: take it over
  // (removing a KCL 3.x `checkpointOwner`, as the KCL's own take does).
  const backfill = missingLineage(item, lineage);
  // An owner switch, as the KCL counts one: the lease had another owner (a free lease has none).
  // The count is written where missing: the KCL cannot read an item without it; one that is not a
  // number (edited by hand), which no addition takes, is replaced by a number.
  const switched = current !== undefined && current !== owner;
  const countable = ownerSwitchesOf(item) !== undefined;
  // An item written without a counter (a checkpoint seeded by hand) is taken on its absence; one
  // whose counter is not a number (edited by hand) on the value stored, and gets a number.
  const stored = item[KCL.leaseCounter];
  const take: LeaseTake = { owner, token: randomUUID(), counter: counter + 1, sentAt: options.now() };
  const result = await store.takeUpdate<{ Attributes?: LeaseItem }>(table, streamName, shardId, {
    UpdateExpression:
      'SET #owner = :owner, #counter = :next, #take = :take, ' +
      (countable ? '#switches = if_not_exists(#switches, :zero)' : '#switches = :zero') +
      (switched ? ' + :one' : '') +
      backfill.sets.map((set) => `, ${set}`).join('') +
      ' REMOVE #h0, #h1, #h2, #h3, #checkpointOwner',
    ConditionExpression: stored !== undefined ? '#counter = :counter' : 'attribute_not_exists(#counter)',
    ExpressionAttributeNames: {
      '#owner': KCL.leaseOwner,
      '#counter': KCL.leaseCounter,
      '#checkpointOwner': KCL.checkpointOwner,
      '#take': TAKE_TOKEN,
      '#switches': KCL.ownerSwitchesSinceCheckpoint,
      ...Object.fromEntries(HANDOFF_ATTRIBUTES.map((name, index) => [`#h${index}`, name])),
      ...backfill.names,
    },
    ExpressionAttributeValues: {
      ':owner': { S: owner },
      ':next': { N: String(counter + 1) },
      ...(stored !== undefined ? { ':counter': stored } : {}),
      ':take': { S: take.token },
      ':zero': { N: '0' },
      ...(switched ? { ':one': { N: '1' } } : {}),
      ...backfill.values,
    },
    ReturnValues: 'ALL_NEW',
  });
  const taken =
    result.status === 'applied'
      ? (result.value.Attributes ?? item)
      : result.status === 'unknown'
        ? await settleLostTake(context, table, streamName, shardId, take, result.failure)
        : undefined;
  if (taken === undefined) return undefined;
  if (current !== undefined && current !== owner)
    writeLog(options.logger, 'info', 'took over a DynamoDB lease', {
      streamName,
      shardId,
      owner,
      previousOwner: current,
      reason: now < expiresAt ? 'handoff deadline passed' : 'lease expired',
    });
  lostTakes.forget(key);
  return held.hold(key, streamName, shardId, owner, take.counter, take.sentAt, taken);
}

/**
 * SET clauses that add the lineage attributes `item` lacks, each `if_not_exists` so that a
 * value written meanwhile (by a KCL worker) is never overwritten.
 */
function missingLineage(
  item: LeaseItem,
  lineage: ShardLineage | undefined,
): { sets: string[]; names: Record<string, string>; values: Record<string, AttributeValue> } {
  const sets: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const attributes = lineageAttributes(lineage);
  const hashRange = item[KCL.startingHashKey] !== undefined || item[KCL.endingHashKey] !== undefined;
  Object.entries(attributes).forEach(([name, value], index) => {
    if (item[name] !== undefined) return;
    // The range is one fact in two attributes: add it only where neither half is stored.
    if ((name === KCL.startingHashKey || name === KCL.endingHashKey) && hashRange) return;
    names[`#l${index}`] = name;
    values[`:l${index}`] = value;
    sets.push(`#l${index} = if_not_exists(#l${index}, :l${index})`);
  });
  return { sets, names, values };
}

/**
 * Creates a shard's lease item, held by `owner`, with its lineage, at the initial position; but
 * at TRIM_HORIZON for a child of a shard the table has a lease of (as the KCL starts children, and
 * as the consumer reads them), so a KCL worker that takes it over never skips the child's start.
 */
async function createLeaseItem(
  context: DynamoDBLeaseContext,
  table: string,
  streamName: string,
  shardId: string,
  owner: string,
  lineage: ShardLineage | undefined,
): Promise<Lease | undefined> {
  const { options, store, held, lostTakes } = context;
  let initial: string = options.initialPosition;
  if (initial !== SENTINEL.trimHorizon)
    for (const parent of lineage?.parentShardIds ?? [])
      if ((await store.get(table, streamName, parent)) !== undefined) initial = SENTINEL.trimHorizon;
  const take: LeaseTake = { owner, token: randomUUID(), counter: 1, sentAt: options.now() };
  const result = await store.takeCreate(table, streamName, shardId, {
    ...lineageAttributes(lineage),
    [KCL.leaseOwner]: { S: owner },
    [KCL.leaseCounter]: { N: '1' },
    [KCL.checkpoint]: { S: initial },
    [KCL.checkpointSubSequenceNumber]: { N: '0' },
    [KCL.ownerSwitchesSinceCheckpoint]: { N: '0' },
    [TAKE_TOKEN]: { S: take.token },
  });
  if (result.status === 'refused') return undefined;
  if (
    result.status === 'unknown' &&
    (await settleLostTake(context, table, streamName, shardId, take, result.failure)) === undefined
  )
    return undefined;
  const key = leaseKeyOf(table, streamName, shardId);
  lostTakes.forget(key);
  return held.hold(key, streamName, shardId, owner, 1, take.sentAt, undefined);
}
