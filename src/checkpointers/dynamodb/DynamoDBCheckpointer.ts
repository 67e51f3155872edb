import { sleep } from '../../kinesis/sleep.js';
import type { CheckpointPosition, Lease, LeaseInfo, ShardCheckpoint, ShardLineage } from '../Checkpointer.js';
import type {
  HandoffRequest,
  HandoffRequestResult,
  HeartbeatOptions,
  LeaseCoordinator,
  LeaseSnapshot,
  ReleaseLeaseOptions,
} from '../LeaseCoordinator.js';
import type { ReleaseLeaseResult } from '../ReleaseLeaseResult.js';
import { CheckpointerClosedError } from '../errors/CheckpointerClosedError.js';
import {
  validateLease,
  validateNonEmptyString,
  validateShardAddress,
  validateShardIds,
} from '../validateCheckpointerArguments.js';
import { publishedCapOf } from '../publishedCap.js';
import { validateCheckpointPosition } from '../validateCheckpointPosition.js';
import { acquireLeaseItem } from './acquireLeaseItem.js';
import { byShardId } from './byShardId.js';
import type { DynamoDBCallPolicy } from './callDynamoDB.js';
import { createDynamoDBClient, type DynamoDBClientInUse } from './createDynamoDBClient.js';
import { forgetLeaseItems } from './forgetLeaseItems.js';
import type { DynamoDBCheckpointerOptions } from './DynamoDBCheckpointerOptions.js';
import type { DynamoDBLeaseContext } from './DynamoDBLeaseContext.js';
import { HandoffObservations } from './HandoffObservations.js';
import { cancelHandoffRequest, recordHandoffRequest } from './handoffRequests.js';
import { HeldLeases } from './HeldLeases.js';
import { checkpointOf } from './kclLeaseItem.js';
import { LeaseItemStore } from './LeaseItemStore.js';
import { leaseKeyOf } from './leaseKeyOf.js';
import { LeaseObservations } from './LeaseObservations.js';
import {
  resolveDynamoDBCheckpointerOptions,
  type ResolvedDynamoDBCheckpointerOptions,
} from './resolveDynamoDBCheckpointerOptions.js';
import { LeaseTables } from './LeaseTables.js';
import { KnownLeaseItems } from './KnownLeaseItems.js';
import { TableIdentities } from './TableIdentities.js';
import { LostTakes } from './LostTakes.js';
import { releaseHeldLease, renewHeldLease, writeCheckpoint, writeShardEnd } from './leaseWrites.js';
import { loadDynamoDB } from './loadDynamoDB.js';
import { readLeaseSnapshot } from './readLeaseSnapshot.js';
import { releaseLostTakes } from './releaseLostTakes.js';
import { ShardQueues } from './ShardQueues.js';
import { WorkerRegistry } from './WorkerRegistry.js';

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
  private readonly dynamodb: DynamoDBClientInUse;
  private readonly context: DynamoDBLeaseContext;
  private readonly queues = new ShardQueues();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Aborted by close(), with a CheckpointerClosedError: ends a wait for a table being created. */
  private readonly closing = new AbortController();
  private closed = false;

  constructor(options: DynamoDBCheckpointerOptions = {}) {
    this.options = resolveDynamoDBCheckpointerOptions(options);
    this.name = this.options.name;
    this.leaseDurationMs = this.options.failoverTimeMs;
    this.heartbeatIntervalMs = this.options.heartbeatIntervalMs;
    this.handoffTimeoutMs = this.options.handoffTimeoutMs;
    this.handoffReservationMs = this.options.handoffReservationMs;
    const sdk = loadDynamoDB();
    this.dynamodb = createDynamoDBClient(options, this.options);
    const userSleep = this.options.sleep;
    const policy: DynamoDBCallPolicy = {
      client: this.dynamodb.client,
      requestTimeout: this.options.requestTimeout,
      maxAttempts: this.options.maxAttempts,
      callTimeout: this.options.callTimeout,
      now: this.options.now,
      sleep: userSleep === undefined ? (ms, signal) => sleep(ms, signal) : (ms) => userSleep(ms),
      ...(this.options.logger !== undefined ? { logger: this.options.logger } : {}),
    };
    const identities = new TableIdentities(sdk, policy, this.closing.signal);
    const store = new LeaseItemStore(sdk, policy, this.options.keyingFor, new KnownLeaseItems(identities));
    const observations = new LeaseObservations(this.leaseDurationMs);
    this.context = {
      options: this.options,
      store,
      observations,
      handoffs: new HandoffObservations(this.handoffTimeoutMs, this.handoffReservationMs),
      held: new HeldLeases(store, observations, this.leaseDurationMs, this.options.now, this.options.logger),
      lostTakes: new LostTakes(),
      tables: new LeaseTables(sdk, policy, this.options, this.closing.signal, identities),
      workers: new WorkerRegistry(sdk, policy, this.options.keyingFor, this.leaseDurationMs),
    };
  }

  getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    return this.run('read a checkpoint', async () => {
      validateShardAddress(streamName, shardId);
      const table = await this.table(streamName);
      const item = await this.context.store.get(table, streamName, shardId);
      return item === undefined ? undefined : checkpointOf(item);
    });
  }

  /**
   * Takes the lease (see Checkpointer.acquireLease). A shard without a lease item gets one with
   * `lineage` as the KCL writes it (`parentShardId`, `startingHashKey`, `endingHashKey`); an item
   * without them gets them in the acquiring write; stored lineage is never overwritten.
   */
  acquireLease(
    streamName: string,
    shardId: string,
    owner: string,
    lineage?: ShardLineage,
  ): Promise<Lease | undefined> {
    return this.run('acquire a lease', async () => {
      validateShardAddress(streamName, shardId);
      validateNonEmptyString(owner, 'owner');
      const table = await this.table(streamName);
      return this.serialized(table, streamName, shardId, () =>
        acquireLeaseItem(this.context, table, streamName, shardId, owner, lineage),
      );
    });
  }

  renewLease(lease: Lease): Promise<Lease> {
    return this.run('renew a lease', async () => {
      validateLease(lease);
      const table = await this.table(lease.streamName);
      return this.serialized(table, lease.streamName, lease.shardId, () =>
        renewHeldLease(this.context, table, lease),
      );
    });
  }

  releaseLease(lease: Lease): Promise<void>;
  releaseLease(lease: Lease, options: ReleaseLeaseOptions | undefined): Promise<ReleaseLeaseResult>;
  releaseLease(lease: Lease, options: ReleaseLeaseOptions = {}): Promise<ReleaseLeaseResult | void> {
    return this.run('release a lease', async () => {
      validateLease(lease);
      const { handoffTo } = options;
      if (handoffTo !== undefined) validateNonEmptyString(handoffTo, 'handoffTo');
      const table = await this.table(lease.streamName);
      return this.serialized(table, lease.streamName, lease.shardId, () =>
        releaseHeldLease(this.context, table, lease, handoffTo === undefined ? {} : { handoffTo }),
      );
    });
  }

  checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    return this.run('write a checkpoint', async () => {
      validateLease(lease);
      validateCheckpointPosition(position);
      const table = await this.table(lease.streamName);
      return this.serialized(table, lease.streamName, lease.shardId, () =>
        writeCheckpoint(this.context, table, lease, position),
      );
    });
  }

  /** Writes SHARD_END, and `lineage.childShardIds` where none are stored, in one conditional write. */
  markShardEnd(lease: Lease, lineage?: ShardLineage): Promise<void> {
    return this.run('mark the shard end', async () => {
      validateLease(lease);
      const table = await this.table(lease.streamName);
      await this.serialized(table, lease.streamName, lease.shardId, () =>
        writeShardEnd(this.context, table, lease, lineage),
      );
    });
  }

  listLeases(streamName: string): Promise<LeaseInfo[]> {
    return this.run('list leases', async () => {
      validateNonEmptyString(streamName, 'streamName');
      const table = await this.table(streamName);
      const items = await this.context.store.scan(table, streamName);
      const at = this.options.now(); // after the answer (see acquireLeaseItem)
      return items.map((item) => this.context.held.infoOf(table, streamName, item, at)).sort(byShardId);
    });
  }

  /** Deletes the lease items of gone shards no one holds (see Checkpointer.forgetShards). */
  forgetShards(streamName: string, shardIds: readonly string[]): Promise<string[]> {
    return this.run('forget shards', async () => {
      const ids = validateShardIds(streamName, shardIds);
      const table = await this.table(streamName);
      return forgetLeaseItems(this.context, table, streamName, ids, (shardId, step) =>
        this.serialized(table, streamName, shardId, step),
      );
    });
  }

  heartbeat(streamName: string, workerId: string, options?: HeartbeatOptions): Promise<number> {
    return this.run('heartbeat', async () => {
      validateNonEmptyString(streamName, 'streamName');
      validateNonEmptyString(workerId, 'workerId');
      const cap = publishedCapOf(options);
      const signal = options?.signal;
      const table = await this.context.tables.workersTable(streamName, signal);
      // The caller left while the table was awaited: nothing written.
      signal?.throwIfAborted();
      const sentAt = this.options.now();
      const expiresAt = sentAt + this.leaseDurationMs;
      await this.context.workers.heartbeat(table, streamName, workerId, expiresAt, cap, sentAt);
      return expiresAt;
    });
  }

  leaveGroup(streamName: string, workerId: string): Promise<void> {
    return this.run('leave the group', async () => {
      validateNonEmptyString(streamName, 'streamName');
      validateNonEmptyString(workerId, 'workerId');
      await this.context.workers.leave(
        await this.context.tables.workersTable(streamName),
        streamName,
        workerId,
      );
    });
  }

  liveWorkers(streamName: string): Promise<string[]> {
    return this.run('list live workers', async () => {
      validateNonEmptyString(streamName, 'streamName');
      const table = await this.context.tables.workersTable(streamName);
      return (await this.context.workers.live(table, streamName, this.options.now)).workers;
    });
  }

  requestHandoff(streamName: string, shardId: string, requester: string): Promise<HandoffRequestResult> {
    return this.run('request a handoff', async () => {
      validateShardAddress(streamName, shardId);
      validateNonEmptyString(requester, 'requester');
      const table = await this.table(streamName);
      return recordHandoffRequest(this.context, table, streamName, shardId, requester);
    });
  }

  cancelHandoff(streamName: string, shardId: string, requester: string): Promise<boolean> {
    return this.run('cancel a handoff', async () => {
      validateShardAddress(streamName, shardId);
      validateNonEmptyString(requester, 'requester');
      const table = await this.table(streamName);
      return cancelHandoffRequest(this.context, table, streamName, shardId, requester);
    });
  }

  pendingHandoffs(streamName: string, owner: string): Promise<HandoffRequest[]> {
    return this.run('list pending handoffs', async () => {
      validateNonEmptyString(owner, 'owner');
      const snapshot = await readLeaseSnapshot(this.context, streamName);
      const live = new Set(snapshot.liveWorkers);
      return snapshot.leases.flatMap((lease) =>
        lease.owner === owner && lease.handoff !== undefined && live.has(lease.handoff.requester)
          ? [{ streamName, shardId: lease.shardId, owner, ...lease.handoff }]
          : [],
      );
    });
  }

  leaseSnapshot(streamName: string): Promise<LeaseSnapshot> {
    return this.run('read a lease snapshot', () => readLeaseSnapshot(this.context, streamName));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort(new CheckpointerClosedError(this.name, 'wait for its table to be created or checked'));
    await Promise.allSettled([...this.inFlight]);
    // A take whose answer was lost may have given this process a lease nobody knows of: release it.
    await releaseLostTakes(this.context);
    this.context.held.clear();
    this.dynamodb.release();
  }

  /** The table of a stream, created (or checked) once. */
  private table(streamName: string): Promise<string> {
    return this.context.tables.leaseTable(streamName);
  }

  /** Runs lease operations on one shard one after another, so each sees the counter the last one wrote. */
  private serialized<T>(
    table: string,
    streamName: string,
    shardId: string,
    operation: () => Promise<T>,
  ): Promise<T> {
    return this.queues.serialized(leaseKeyOf(table, streamName, shardId), operation);
  }

  /** Runs `body` unless closed, tracked so close() waits for it. */
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
