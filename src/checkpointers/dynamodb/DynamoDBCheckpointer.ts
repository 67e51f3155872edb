import { randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDBClient, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { sleep } from '../../kinesis/sleep.js';
import type { CheckpointPosition, Lease, LeaseInfo, ShardCheckpoint } from '../Checkpointer.js';
import type {
  HandoffRequest,
  HandoffRequestResult,
  LeaseCoordinator,
  LeaseSnapshot,
  LeaseState,
  ReleaseLeaseOptions,
} from '../LeaseCoordinator.js';
import { comparePositions } from '../comparePositions.js';
import { CheckpointerClosedError } from '../errors/CheckpointerClosedError.js';
import { LeaseLostError } from '../errors/LeaseLostError.js';
import {
  validateLease,
  validateNonEmptyString,
  validateShardAddress,
} from '../validateCheckpointerArguments.js';
import { validateCheckpointPosition } from '../validateCheckpointPosition.js';
import { callDynamoDB, isConditionalCheckFailed, type DynamoDBCallPolicy } from './callDynamoDB.js';
import { createDynamoDBClient } from './createDynamoDBClient.js';
import {
  resolveDynamoDBCheckpointerOptions,
  type DynamoDBCheckpointerOptions,
  type ResolvedDynamoDBCheckpointerOptions,
} from './DynamoDBCheckpointerOptions.js';
import { ensureLeaseTable } from './ensureLeaseTable.js';
import { DynamoDBRequestError } from './errors/DynamoDBRequestError.js';
import { HANDOFF, HANDOFF_ATTRIBUTES, handoffFieldsOf } from './handoffAttributes.js';
import { WORKER_ID, WorkerRegistry, workersTableOf } from './WorkerRegistry.js';
import {
  checkpointOf,
  FIRST_ITEM_DONE,
  KCL,
  leaseCounterOf,
  leaseOwnerOf,
  positionUpdate,
  SENTINEL,
  type LeaseItem,
} from './kclLeaseItem.js';
import { LeaseObservations } from './LeaseObservations.js';
import { loadDynamoDB, type DynamoDBModule } from './loadDynamoDB.js';

/** A lease this process holds: the counter it last wrote, and the position stored through it. */
interface HeldLease {
  readonly token: string;
  readonly owner: string;
  counter: number;
  expiresAt: number;
  checkpoint: ShardCheckpoint | undefined;
}

type Update = {
  readonly set: Record<string, AttributeValue>;
  readonly remove?: readonly string[];
};

const HANDLED_CONDITION = (error: unknown) =>
  isConditionalCheckFailed(error)
    ? { handled: true as const, value: 'condition-failed' as const }
    : undefined;

/**
 * Checkpoints and leases in a DynamoDB table in the KCL's lease-table format (one item per
 * shard, `leaseKey` = shard id), so a KCL application's table can be continued, and ours read by
 * the KCL. Every state change is one UpdateItem/PutItem conditioned on the `leaseCounter` (and
 * `leaseOwner`) this process last saw; every change increments `leaseCounter`. A lease expires
 * as the KCL judges it: when its counter has not moved for `failoverTimeMs` on the observer's
 * clock. `leaseDurationMs` is that failover time.
 */
export class DynamoDBCheckpointer implements LeaseCoordinator {
  readonly name: string;
  readonly leaseDurationMs: number;
  readonly heartbeatIntervalMs: number;
  readonly handoffTimeoutMs: number;
  /** How long a lease released for a handoff stays reserved for the requester. */
  readonly handoffReservationMs: number;

  private readonly options: ResolvedDynamoDBCheckpointerOptions;
  private readonly sdk: DynamoDBModule;
  private readonly client: DynamoDBClient;
  private readonly ownsClient: boolean;
  private readonly policy: DynamoDBCallPolicy;
  private readonly held = new Map<string, HeldLease>();
  private readonly observations: LeaseObservations;
  private readonly workers: WorkerRegistry;
  private readonly workerTables = new Map<string, Promise<string>>();
  /** The table of each stream, resolved once (a `tableName` function is called once per stream). */
  private readonly tableNames = new Map<string, string>();
  private readonly tables = new Map<string, Promise<string>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private boundStream: string | undefined;
  private closed = false;

  constructor(options: DynamoDBCheckpointerOptions = {}) {
    this.options = resolveDynamoDBCheckpointerOptions(options);
    this.name = this.options.name;
    this.leaseDurationMs = this.options.failoverTimeMs;
    this.heartbeatIntervalMs = this.options.heartbeatIntervalMs;
    this.handoffTimeoutMs = this.options.handoffTimeoutMs;
    this.handoffReservationMs = this.options.handoffReservationMs;
    this.sdk = loadDynamoDB();
    this.client = createDynamoDBClient(options, this.options);
    this.ownsClient = options.client === undefined;
    this.policy = {
      client: this.client,
      requestTimeout: this.options.requestTimeout,
      maxAttempts: this.options.maxAttempts,
      callTimeout: this.options.callTimeout,
      now: this.options.now,
      sleep: options.sleep ?? ((ms) => sleep(ms)),
    };
    this.observations = new LeaseObservations(this.leaseDurationMs);
    this.workers = new WorkerRegistry(this.sdk, this.policy);
  }

  getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    return this.run('read a checkpoint', async () => {
      validateShardAddress(streamName, shardId);
      const table = await this.table(streamName);
      const item = await this.getItem(table, streamName, shardId);
      return item === undefined ? undefined : checkpointOf(item);
    });
  }

  acquireLease(streamName: string, shardId: string, owner: string): Promise<Lease | undefined> {
    return this.run('acquire a lease', async () => {
      validateShardAddress(streamName, shardId);
      validateNonEmptyString(owner, 'owner');
      const table = await this.table(streamName);
      return this.serialized(table, shardId, () => this.acquire(table, streamName, shardId, owner));
    });
  }

  renewLease(lease: Lease): Promise<Lease> {
    return this.run('renew a lease', async () => {
      validateLease(lease);
      const table = await this.table(lease.streamName);
      return this.serialized(table, lease.shardId, async () => {
        const held = await this.heldOrLost(table, lease);
        await this.conditionalUpdate(table, lease, held, { set: {} }, true);
        return { ...lease, expiresAt: held.expiresAt };
      });
    });
  }

  releaseLease(lease: Lease, options: ReleaseLeaseOptions = {}): Promise<void> {
    return this.run('release a lease', async () => {
      validateLease(lease);
      const { handoffTo } = options;
      if (handoffTo !== undefined) validateNonEmptyString(handoffTo, 'handoffTo');
      const table = await this.table(lease.streamName);
      await this.serialized(table, lease.shardId, async () => {
        const key = leaseKeyOf(table, lease.shardId);
        const held = this.held.get(key);
        if (held === undefined || held.token !== lease.token) return;
        this.held.delete(key);
        const result = await this.update(
          table,
          lease,
          held.counter,
          held.counter + 1,
          handoffTo === undefined
            ? { set: {}, remove: [KCL.leaseOwner, ...HANDOFF_ATTRIBUTES] }
            : {
                set: {
                  [HANDOFF.reservedFor]: { S: handoffTo },
                  [HANDOFF.reservedUntil]: { N: String(this.options.now() + this.handoffReservationMs) },
                },
                remove: [KCL.leaseOwner, HANDOFF.requester, HANDOFF.deadline],
              },
        );
        if (result !== 'condition-failed') this.observations.wrote(key, held.counter + 1, this.options.now());
      });
    });
  }

  checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    return this.run('write a checkpoint', async () => {
      validateLease(lease);
      validateCheckpointPosition(position);
      const table = await this.table(lease.streamName);
      return this.serialized(table, lease.shardId, async () => {
        const held = await this.heldOrLost(table, lease);
        const stored = held.checkpoint;
        if (stored?.kind === 'shard-end') return false;
        if (stored?.kind === 'position' && comparePositions(position, stored.position) < 0) return false;
        const { set, remove } = positionUpdate(position);
        await this.conditionalUpdate(table, lease, held, {
          set: { ...set, [KCL.ownerSwitchesSinceCheckpoint]: { N: '0' } },
          remove,
        });
        held.checkpoint = { kind: 'position', position: { ...position } };
        return true;
      });
    });
  }

  markShardEnd(lease: Lease): Promise<void> {
    return this.run('mark the shard end', async () => {
      validateLease(lease);
      const table = await this.table(lease.streamName);
      await this.serialized(table, lease.shardId, async () => {
        const held = await this.heldOrLost(table, lease);
        await this.conditionalUpdate(table, lease, held, {
          set: {
            [KCL.checkpoint]: { S: SENTINEL.shardEnd },
            [KCL.checkpointSubSequenceNumber]: { N: '0' },
            [KCL.ownerSwitchesSinceCheckpoint]: { N: '0' },
          },
          remove: [FIRST_ITEM_DONE],
        });
        held.checkpoint = { kind: 'shard-end' };
      });
    });
  }

  listLeases(streamName: string): Promise<LeaseInfo[]> {
    return this.run('list leases', async () => {
      validateNonEmptyString(streamName, 'streamName');
      const table = await this.table(streamName);
      const at = this.options.now();
      const items = await this.scanItems(table, streamName);
      return items.map((item) => this.infoOf(table, item, at)).sort(byShardId);
    });
  }

  heartbeat(streamName: string, workerId: string): Promise<number> {
    return this.run('heartbeat', async () => {
      validateNonEmptyString(streamName, 'streamName');
      validateNonEmptyString(workerId, 'workerId');
      const table = await this.workersTable(streamName);
      const expiresAt = this.options.now() + this.leaseDurationMs;
      await this.workers.heartbeat(table, streamName, workerId, expiresAt);
      return expiresAt;
    });
  }

  leaveGroup(streamName: string, workerId: string): Promise<void> {
    return this.run('leave the group', async () => {
      validateNonEmptyString(streamName, 'streamName');
      validateNonEmptyString(workerId, 'workerId');
      await this.workers.leave(await this.workersTable(streamName), streamName, workerId);
    });
  }

  liveWorkers(streamName: string): Promise<string[]> {
    return this.run('list live workers', async () => {
      validateNonEmptyString(streamName, 'streamName');
      return this.workers.live(await this.workersTable(streamName), streamName, this.options.now());
    });
  }

  requestHandoff(streamName: string, shardId: string, requester: string): Promise<HandoffRequestResult> {
    return this.run('request a handoff', async () => {
      validateShardAddress(streamName, shardId);
      validateNonEmptyString(requester, 'requester');
      const table = await this.table(streamName);
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        const at = this.options.now();
        const item = await this.getItem(table, streamName, shardId);
        if (item === undefined) return { status: 'free' };
        const owner = this.liveOwnerOf(table, item, at);
        if (owner === undefined) return { status: 'free' };
        if (owner === requester) return { status: 'own', owner };
        const { request } = handoffFieldsOf(item);
        const now = this.options.now();
        if (request !== undefined && now < request.deadline + this.handoffTimeoutMs) {
          if (request.requester === requester)
            return { status: 'already-requested', owner, deadline: request.deadline };
          return {
            status: 'other-request-pending',
            owner,
            requester: request.requester,
            deadline: request.deadline,
          };
        }
        const deadline = now + this.handoffTimeoutMs;
        const result = await this.updateLeaseItem<unknown>(table, streamName, shardId, {
          UpdateExpression: 'SET #req = :me, #dl = :deadline',
          ConditionExpression:
            request === undefined
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
            ...(request === undefined
              ? {}
              : { ':oldReq': { S: request.requester }, ':oldDeadline': { N: String(request.deadline) } }),
          },
        });
        if (result !== 'condition-failed') return { status: 'requested', owner, deadline };
      }
      throw new DynamoDBRequestError({
        operation: 'UpdateItem',
        tableName: table,
        attempts: 5,
        retriable: true,
        cause: new Error('the lease kept changing while the handoff request was recorded'),
        context: { streamName, shardId },
      });
    });
  }

  cancelHandoff(streamName: string, shardId: string, requester: string): Promise<boolean> {
    return this.run('cancel a handoff', async () => {
      validateShardAddress(streamName, shardId);
      validateNonEmptyString(requester, 'requester');
      const table = await this.table(streamName);
      const item = await this.getItem(table, streamName, shardId);
      if (item === undefined) return false;
      const { request, reservation } = handoffFieldsOf(item);
      const [who, names] =
        request?.requester === requester
          ? [HANDOFF.requester, [HANDOFF.requester, HANDOFF.deadline]]
          : reservation?.worker === requester
            ? [HANDOFF.reservedFor, [HANDOFF.reservedFor, HANDOFF.reservedUntil]]
            : [undefined, []];
      if (who === undefined) return false;
      const result = await this.updateLeaseItem<unknown>(table, streamName, shardId, {
        UpdateExpression: 'REMOVE #a, #b',
        ConditionExpression: '#who = :me',
        ExpressionAttributeNames: { '#a': names[0], '#b': names[1], '#who': who },
        ExpressionAttributeValues: { ':me': { S: requester } },
      });
      return result !== 'condition-failed';
    });
  }

  pendingHandoffs(streamName: string, owner: string): Promise<HandoffRequest[]> {
    return this.run('list pending handoffs', async () => {
      validateNonEmptyString(owner, 'owner');
      const snapshot = await this.snapshot(streamName);
      const live = new Set(snapshot.liveWorkers);
      return snapshot.leases.flatMap((lease) =>
        lease.owner === owner && lease.handoff !== undefined && live.has(lease.handoff.requester)
          ? [{ streamName, shardId: lease.shardId, owner, ...lease.handoff }]
          : [],
      );
    });
  }

  leaseSnapshot(streamName: string): Promise<LeaseSnapshot> {
    return this.run('read a lease snapshot', () => this.snapshot(streamName));
  }

  private async snapshot(streamName: string): Promise<LeaseSnapshot> {
    validateNonEmptyString(streamName, 'streamName');
    const table = await this.table(streamName);
    const workersTable = await this.workersTable(streamName);
    const at = this.options.now();
    const items = await this.scanItems(table, streamName);
    const now = this.options.now();
    const liveWorkers = await this.workers.live(workersTable, streamName, now);
    const leases: LeaseState[] = [];
    for (const item of items) {
      const info = this.infoOf(table, item, at);
      const { request, reservation } = handoffFieldsOf(item);
      const handoff =
        info.owner !== undefined && request !== undefined && now < request.deadline + this.handoffTimeoutMs
          ? { requester: request.requester, deadline: request.deadline }
          : undefined;
      const reserved =
        info.owner === undefined && reservation !== undefined && now < reservation.until
          ? reservation
          : undefined;
      if (
        info.owner === undefined &&
        info.checkpoint === undefined &&
        handoff === undefined &&
        reserved === undefined
      )
        continue;
      leases.push({
        ...info,
        ...(handoff !== undefined ? { handoff } : {}),
        ...(reserved !== undefined
          ? { reservation: { worker: reserved.worker, until: reserved.until } }
          : {}),
      });
    }
    return { now, liveWorkers, leases: leases.sort(byShardId) };
  }

  private async scanItems(table: string, streamName: string): Promise<LeaseItem[]> {
    const items: LeaseItem[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await callDynamoDB<{
        Items?: LeaseItem[];
        LastEvaluatedKey?: Record<string, AttributeValue>;
      }>(
        this.policy,
        { operation: 'Scan', tableName: table, context: { streamName } },
        () =>
          new this.sdk.ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    this.held.clear();
    if (this.ownsClient) this.client.destroy();
  }

  // --- internals ---

  private async acquire(
    table: string,
    streamName: string,
    shardId: string,
    owner: string,
  ): Promise<Lease | undefined> {
    const key = leaseKeyOf(table, shardId);
    const readAt = this.options.now();
    const item = await this.getItem(table, streamName, shardId);
    if (item === undefined) return this.create(table, streamName, shardId, owner);
    const counter = leaseCounterOf(item);
    const current = leaseOwnerOf(item);
    const expiresAt = this.observations.observe(key, counter, readAt);
    const now = this.options.now();
    const { request, reservation } = handoffFieldsOf(item);
    if (current !== undefined && now < expiresAt) {
      // Held live, by another worker or by another instance with this worker id (a live lease is
      // never handed out again): ours only if our handoff request passed its deadline unanswered.
      const due =
        request?.requester === owner &&
        request.deadline <= now &&
        now < request.deadline + this.handoffTimeoutMs;
      if (!due) return undefined;
    } else if (reservation !== undefined && reservation.worker !== owner && now < reservation.until) {
      return undefined; // released for a handoff to another worker
    }
    // Free, expired (ours from an earlier life of this worker too), or handed over: take it over.
    const at = this.options.now();
    const result = await this.updateLeaseItem<{ Attributes?: LeaseItem }>(table, streamName, shardId, {
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
    return this.hold(
      key,
      streamName,
      shardId,
      owner,
      counter + 1,
      at,
      checkpointOf(result.Attributes ?? item),
    );
  }

  private async create(
    table: string,
    streamName: string,
    shardId: string,
    owner: string,
  ): Promise<Lease | undefined> {
    const at = this.options.now();
    const result = await callDynamoDB<unknown>(
      this.policy,
      { operation: 'PutItem', tableName: table, context: { streamName, shardId } },
      () =>
        new this.sdk.PutItemCommand({
          TableName: table,
          Item: {
            [KCL.leaseKey]: { S: shardId },
            [KCL.leaseOwner]: { S: owner },
            [KCL.leaseCounter]: { N: '1' },
            [KCL.checkpoint]: { S: this.options.initialPosition },
            [KCL.checkpointSubSequenceNumber]: { N: '0' },
            [KCL.ownerSwitchesSinceCheckpoint]: { N: '0' },
          },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': KCL.leaseKey },
        }),
      HANDLED_CONDITION,
    );
    if (result === 'condition-failed') return undefined;
    return this.hold(leaseKeyOf(table, shardId), streamName, shardId, owner, 1, at, undefined);
  }

  private hold(
    key: string,
    streamName: string,
    shardId: string,
    owner: string,
    counter: number,
    at: number,
    checkpoint: ShardCheckpoint | undefined,
  ): Lease {
    const token = randomUUID();
    const expiresAt = at + this.leaseDurationMs;
    this.held.set(key, { token, owner, counter, expiresAt, checkpoint });
    this.observations.wrote(key, counter, at);
    return { streamName, shardId, owner, token, expiresAt };
  }

  /** The held lease behind `lease`, or LeaseLostError (taken over, expired or released). */
  private async heldOrLost(table: string, lease: Lease): Promise<HeldLease> {
    const key = leaseKeyOf(table, lease.shardId);
    const held = this.held.get(key);
    if (held !== undefined && held.token === lease.token && this.options.now() < held.expiresAt) return held;
    if (held !== undefined && held.token === lease.token) this.held.delete(key);
    throw await this.lost(table, lease);
  }

  /**
   * One conditional write through a held lease; increments the counter (as every KCL lease
   * update does); LeaseLostError if the condition fails. Only a renewal extends the holder's
   * `expiresAt`: the holder keeps renewing on its own schedule, and observers, who see every
   * counter move, judge expiry later than the holder does.
   */
  private async conditionalUpdate(
    table: string,
    lease: Lease,
    held: HeldLease,
    update: Update,
    renews = false,
  ): Promise<void> {
    const key = leaseKeyOf(table, lease.shardId);
    const at = this.options.now();
    const result = await this.update(table, lease, held.counter, held.counter + 1, update);
    if (result === 'condition-failed') {
      if (this.held.get(key) === held) this.held.delete(key);
      throw await this.lost(table, lease);
    }
    held.counter += 1;
    if (renews) held.expiresAt = at + this.leaseDurationMs;
    this.observations.wrote(key, held.counter, at);
  }

  private update(
    table: string,
    lease: Lease,
    counter: number,
    next: number,
    update: Update,
  ): Promise<unknown> {
    const names: Record<string, string> = { '#counter': KCL.leaseCounter, '#owner': KCL.leaseOwner };
    const values: Record<string, AttributeValue> = {
      ':counter': { N: String(counter) },
      ':next': { N: String(next) },
      ':owner': { S: lease.owner },
    };
    const sets = ['#counter = :next'];
    Object.entries(update.set).forEach(([attribute, value], index) => {
      names[`#a${index}`] = attribute;
      values[`:a${index}`] = value;
      sets.push(`#a${index} = :a${index}`);
    });
    const removes = (update.remove ?? []).map((attribute, index) => {
      names[`#r${index}`] = attribute;
      return `#r${index}`;
    });
    return this.updateLeaseItem<unknown>(table, lease.streamName, lease.shardId, {
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: '#counter = :counter AND #owner = :owner',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  /** One conditional UpdateItem on a shard's lease item; 'condition-failed' if its condition fails. */
  private updateLeaseItem<T>(
    table: string,
    streamName: string,
    shardId: string,
    input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  ): Promise<T | 'condition-failed'> {
    return callDynamoDB<T | 'condition-failed'>(
      this.policy,
      { operation: 'UpdateItem', tableName: table, context: { streamName, shardId } },
      () =>
        new this.sdk.UpdateItemCommand({
          ...input,
          TableName: table,
          Key: { [KCL.leaseKey]: { S: shardId } },
        }),
      HANDLED_CONDITION,
    );
  }

  private async lost(table: string, lease: Lease): Promise<LeaseLostError> {
    const item = await this.getItem(table, lease.streamName, lease.shardId);
    const stored = item === undefined ? undefined : leaseOwnerOf(item);
    const held = this.held.get(leaseKeyOf(table, lease.shardId));
    const reacquired = held !== undefined && held.owner === stored && held.token !== lease.token;
    const actualOwner = stored === lease.owner && !reacquired ? undefined : stored;
    return new LeaseLostError({
      streamName: lease.streamName,
      shardId: lease.shardId,
      expectedOwner: lease.owner,
      ...(actualOwner !== undefined ? { actualOwner } : {}),
    });
  }

  private infoOf(table: string, item: LeaseItem, at: number): LeaseInfo {
    const shardId = item[KCL.leaseKey]?.S ?? '';
    const key = leaseKeyOf(table, shardId);
    const owner = leaseOwnerOf(item);
    const observed = this.observations.observe(key, leaseCounterOf(item), at);
    const held = this.held.get(key);
    const ours = held !== undefined && held.owner === owner && held.counter === leaseCounterOf(item);
    const expiresAt = ours ? held.expiresAt : observed;
    const live = owner !== undefined && this.options.now() < expiresAt;
    const checkpoint = checkpointOf(item);
    return {
      shardId,
      ...(live ? { owner, expiresAt } : {}),
      ...(checkpoint !== undefined ? { checkpoint } : {}),
    };
  }

  private async getItem(table: string, streamName: string, shardId: string): Promise<LeaseItem | undefined> {
    const answer = await callDynamoDB<{ Item?: LeaseItem }>(
      this.policy,
      { operation: 'GetItem', tableName: table, context: { streamName, shardId } },
      () =>
        new this.sdk.GetItemCommand({
          TableName: table,
          Key: { [KCL.leaseKey]: { S: shardId } },
          ConsistentRead: true,
        }),
    );
    return answer.Item;
  }

  /** The live owner of a lease item as this process judges it (see LeaseObservations). */
  private liveOwnerOf(table: string, item: LeaseItem, at: number): string | undefined {
    return this.infoOf(table, item, at).owner;
  }

  /** The workers table beside a stream's lease table, created (or checked) once. */
  private workersTable(streamName: string): Promise<string> {
    return this.table(streamName).then((leaseTable) => {
      const name = workersTableOf(leaseTable);
      let ready = this.workerTables.get(name);
      if (ready === undefined) {
        ready = ensureLeaseTable(
          this.sdk,
          this.policy,
          name,
          streamName,
          this.options.createTable,
          this.options.now,
          WORKER_ID,
        ).then(() => name);
        this.workerTables.set(name, ready);
        ready.catch(() => this.workerTables.delete(name));
      }
      return ready;
    });
  }

  /** The table of a stream, created (or checked) once. */
  private table(streamName: string): Promise<string> {
    if (this.options.singleTable) {
      this.boundStream ??= streamName;
      if (this.boundStream !== streamName)
        throw new InvalidOptionError(
          'streamName',
          streamName,
          `this checkpointer's table (tableName "${this.options.tableFor(streamName)}") holds stream "${this.boundStream}" only; ` +
            'pass tableName as a function of the stream name to use several streams',
        );
    }
    let tableName = this.tableNames.get(streamName);
    if (tableName === undefined) {
      tableName = this.options.tableFor(streamName);
      this.tableNames.set(streamName, tableName);
    }
    let ready = this.tables.get(tableName);
    if (ready === undefined) {
      ready = ensureLeaseTable(
        this.sdk,
        this.policy,
        tableName,
        streamName,
        this.options.createTable,
        this.options.now,
      ).then(() => tableName);
      this.tables.set(tableName, ready);
      ready.catch(() => this.tables.delete(tableName));
    }
    return ready;
  }

  /** Runs lease operations on one shard one after another, so each sees the counter the last one wrote. */
  private serialized<T>(table: string, shardId: string, operation: () => Promise<T>): Promise<T> {
    const key = leaseKeyOf(table, shardId);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return result;
  }

  private run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CheckpointerClosedError(this.name, operation));
    const promise = (async () => body())();
    this.inFlight.add(promise);
    void promise.then(
      () => this.inFlight.delete(promise),
      () => this.inFlight.delete(promise),
    );
    return promise;
  }
}

function byShardId(a: { readonly shardId: string }, b: { readonly shardId: string }): number {
  return a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0;
}

function leaseKeyOf(table: string, shardId: string): string {
  return `${table}\u0000${shardId}`;
}
