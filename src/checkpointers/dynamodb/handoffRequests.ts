import type { HandoffRequestResult } from '../LeaseCoordinator.js';
import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { DynamoDBRequestError } from './errors/DynamoDBRequestError.js';
import { HANDOFF, handoffFieldsOf } from './handoffAttributes.js';
import { KCL } from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';

/** Attempts to record a handoff request while the lease item keeps changing under it. */
const REQUEST_ATTEMPTS = 5;

/**
 * Records `requester`'s request for a shard's lease on its item, unless the lease is free, its
 * own, or has a pending request; a request past its deadline plus `handoffTimeoutMs` is replaced.
 */
export async function recordHandoffRequest(
  context: DynamoDBLeaseContext,
  table: string,
  streamName: string,
  shardId: string,
  requester: string,
): Promise<HandoffRequestResult> {
  const { options, store, held, handoffs } = context;
  const key = leaseKeyOf(table, streamName, shardId);
  /** The deadline our last write stored, when its condition failed (it may have landed all the same). */
  let unsettled: { deadline: number; at: number } | undefined;
  for (let attempt = 1; attempt <= REQUEST_ATTEMPTS; attempt += 1) {
    const item = await store.get(table, streamName, shardId);
    const at = options.now(); // after the answer (see acquireLeaseItem)
    if (item === undefined) return { status: 'free' };
    const owner = held.liveOwnerOf(table, streamName, item, at);
    if (owner === undefined) return { status: 'free' };
    if (owner === requester) return { status: 'own', owner };
    // `stored` as written (for the condition), `request` on this process's clock (to judge).
    const fields = handoffFieldsOf(item);
    const stored = fields.request;
    if (
      unsettled !== undefined &&
      stored?.requester === requester &&
      stored.deadline === unsettled.deadline
    ) {
      // Our write landed on an attempt whose answer was lost (its retry failed against it).
      handoffs.wroteRequest(key, requester, unsettled.deadline, unsettled.at);
      return { status: 'requested', owner, deadline: unsettled.at + options.handoffTimeoutMs };
    }
    const { request } = handoffs.observe(key, fields, at);
    const now = options.now();
    if (request !== undefined && now < request.deadline + options.handoffTimeoutMs) {
      if (request.requester === requester)
        return { status: 'already-requested', owner, deadline: request.deadline };
      return {
        status: 'other-request-pending',
        owner,
        requester: request.requester,
        deadline: request.deadline,
      };
    }
    const deadline = now + options.handoffTimeoutMs;
    const result = await store.update<unknown>(table, streamName, shardId, {
      UpdateExpression: 'SET #req = :me, #dl = :deadline',
      ConditionExpression:
        stored === undefined
          ? '#owner = :owner AND attribute_not_exists(#req)'
          : '#owner = :owner AND #req = :oldReq AND #dl = :oldDeadline',
      ExpressionAttributeNames: {
        '#owner': KCL.leaseOwner,
        '#req': HANDOFF.requester,
        '#dl': HANDOFF.deadline,
      },
      ExpressionAttributeValues: {
        ':me': { S: requester },
        ':deadline': { N: String(deadline) },
        ':owner': { S: owner },
        ...(stored === undefined
          ? {}
          : { ':oldReq': { S: stored.requester }, ':oldDeadline': { N: String(stored.deadline) } }),
      },
    });
    // The request counts from when its write's answer came, not from when it was sent: the owner
    // may have read the leases while it was on its way, and bounds the deadline from that read.
    const answeredAt = options.now();
    if (result !== 'condition-failed') {
      handoffs.wroteRequest(key, requester, deadline, answeredAt);
      return { status: 'requested', owner, deadline: answeredAt + options.handoffTimeoutMs };
    }
    unsettled = { deadline, at: answeredAt };
  }
  throw new DynamoDBRequestError({
    operation: 'UpdateItem',
    tableName: table,
    attempts: REQUEST_ATTEMPTS,
    retriable: true,
    cause: new Error('the lease kept changing while the handoff request was recorded'),
    context: { streamName, shardId },
  });
}

/** Withdraws `requester`'s request for, or reservation of, a shard's lease; true if one was removed. */
export async function cancelHandoffRequest(
  context: DynamoDBLeaseContext,
  table: string,
  streamName: string,
  shardId: string,
  requester: string,
): Promise<boolean> {
  const { store } = context;
  const item = await store.get(table, streamName, shardId);
  if (item === undefined) return false;
  const { request, reservation } = handoffFieldsOf(item);
  const [who, names] =
    request?.requester === requester
      ? [HANDOFF.requester, [HANDOFF.requester, HANDOFF.deadline]]
      : reservation?.worker === requester
        ? [HANDOFF.reservedFor, [HANDOFF.reservedFor, HANDOFF.reservedUntil]]
        : [undefined, []];
  if (who === undefined) return false;
  const result = await store.update<unknown>(table, streamName, shardId, {
    UpdateExpression: 'REMOVE #a, #b',
    ConditionExpression: '#who = :me',
    ExpressionAttributeNames: { '#a': names[0], '#b': names[1], '#who': who },
    ExpressionAttributeValues: { ':me': { S: requester } },
  });
  return result !== 'condition-failed';
}
