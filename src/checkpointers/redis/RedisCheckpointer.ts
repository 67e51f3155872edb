import { randomUUID } from 'node:crypto';
import { Redis } from './loadIoredis.js';
import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import type { CheckpointPosition, Lease, LeaseInfo, ShardCheckpoint } from '../Checkpointer.js';
import { CheckpointerClosedError } from '../errors/CheckpointerClosedError.js';
import type {
  HandoffRequest,
  HandoffRequestResult,
  LeaseCoordinator,
  LeaseSnapshot,
  LeaseState,
  ReleaseLeaseOptions,
} from '../LeaseCoordinator.js';
import { validateCheckpointPosition } from '../validateCheckpointPosition.js';
import {
  validateLease,
  validateNonEmptyString,
  validateShardAddress,
} from '../validateCheckpointerArguments.js';
import { RedisCommandError } from './errors/RedisCommandError.js';
import { parseLeaseState } from './parseLeaseState.js';
import type { RedisClient } from './RedisClient.js';
import {
  resolveRedisCheckpointerOptions,
  type RedisCheckpointerOptions,
  type ResolvedRedisCheckpointerOptions,
} from './RedisCheckpointerOptions.js';
import { RedisKeys } from './redisKeys.js';
import { RedisScript } from './RedisScript.js';
import { retryRedisCall } from './retryRedisCall.js';
import { millis, ownedReply, parseAcquireReply, parseHandoffReply } from './scriptResult.js';
import { ACQUIRE_LEASE_LUA } from './scripts/acquireLease.lua.js';
import { CANCEL_HANDOFF_LUA } from './scripts/cancelHandoff.lua.js';
import { CHECKPOINT_LUA } from './scripts/checkpoint.lua.js';
import { HEARTBEAT_LUA } from './scripts/heartbeat.lua.js';
import { LIVE_WORKERS_LUA } from './scripts/liveWorkers.lua.js';
import { MARK_SHARD_END_LUA } from './scripts/markShardEnd.lua.js';
import { READ_STREAM_LUA } from './scripts/readStream.lua.js';
import { RELEASE_LEASE_LUA } from './scripts/releaseLease.lua.js';
import { RENEW_LEASE_LUA } from './scripts/renewLease.lua.js';
import { REQUEST_HANDOFF_LUA } from './scripts/requestHandoff.lua.js';

const SCRIPTS = {
  acquire: new RedisScript('acquireLease', ACQUIRE_LEASE_LUA),
  renew: new RedisScript('renewLease', RENEW_LEASE_LUA),
  release: new RedisScript('releaseLease', RELEASE_LEASE_LUA),
  checkpoint: new RedisScript('checkpoint', CHECKPOINT_LUA),
  markShardEnd: new RedisScript('markShardEnd', MARK_SHARD_END_LUA),
  heartbeat: new RedisScript('heartbeat', HEARTBEAT_LUA),
  liveWorkers: new RedisScript('liveWorkers', LIVE_WORKERS_LUA),
  requestHandoff: new RedisScript('requestHandoff', REQUEST_HANDOFF_LUA),
  cancelHandoff: new RedisScript('cancelHandoff', CANCEL_HANDOFF_LUA),
  readStream: new RedisScript('readStream', READ_STREAM_LUA),
};

/**
 * Checkpoints and leases in Redis (standalone or Cluster), shared by every worker of an
 * application. Every state change is one Lua script that checks the lease token first, so no
 * read-then-write race exists between workers; lease expiry is judged by the Redis server's
 * clock (TIME), so the workers' clocks never matter. Transient Redis failures are retried with
 * back-off and end as RedisUnavailableError (retriable).
 *
 * `sessionTimeout` (ms) is the lease duration: the consumer must renew each lease at least every
 * `leaseDurationMs / 3` and stop a shard at once when a renewal cannot succeed before the lease
 * runs out. `expiresAt` values are on the server's clock; to be safe against clock skew a
 * consumer counts its own deadline as (time it sent the renewal) + leaseDurationMs.
 *
 * It also offers membership (heartbeats) and handoff primitives for balancing (LeaseCoordinator).
 */
export class RedisCheckpointer implements LeaseCoordinator {
  /** The application (consumer group) name. */
  readonly name: string;
  readonly leaseDurationMs: number;
  readonly heartbeatIntervalMs: number;
  readonly handoffTimeoutMs: number;
  readonly handoffReservationMs: number;
  private readonly redis: RedisClient;
  /** The connection this checkpointer opened from a URL (and closes); undefined for a given client. */
  private readonly ownedClient: Redis | undefined;
  private readonly keys: RedisKeys;
  private readonly options: ResolvedRedisCheckpointerOptions;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: RedisCheckpointerOptions) {
    const resolved = resolveRedisCheckpointerOptions(options);
    this.options = resolved;
    this.name = resolved.name;
    this.leaseDurationMs = resolved.sessionTimeoutMs;
    this.heartbeatIntervalMs = resolved.heartbeatIntervalMs;
    this.handoffTimeoutMs = resolved.handoffTimeoutMs;
    this.handoffReservationMs = resolved.handoffReservationMs;
    this.keys = new RedisKeys(resolved.keyPrefix, resolved.name);
    if (typeof resolved.redis === 'string') {
      const client = new Redis(resolved.redis, {
        // Fail fast while disconnected; retryRedisCall backs off and repeats.
        maxRetriesPerRequest: 1,
        connectTimeout: Math.max(1000, this.heartbeatIntervalMs),
        retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 1000),
      });
      // Connection errors surface through the calls that fail; keep ioredis from logging them.
      client.on('error', () => undefined);
      this.redis = client as unknown as RedisClient;
      this.ownedClient = client;
    } else {
      this.redis = resolved.redis;
      this.ownedClient = undefined;
    }
  }

  async getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    this.assertOpen('get a checkpoint');
    validateShardAddress(streamName, shardId);
    const [sequenceNumber, sub, end] = await this.call('getCheckpoint', { streamName, shardId }, () =>
      this.redis.hmget(this.keys.shard(streamName, shardId), 'seq', 'sub', 'end'),
    );
    if (end === '1') return { kind: 'shard-end' };
    if (sequenceNumber === null || sequenceNumber === undefined) return undefined;
    const position: CheckpointPosition =
      sub === null || sub === undefined || sub === ''
        ? { sequenceNumber }
        : { sequenceNumber, subSequenceNumber: Number(sub) };
    return { kind: 'position', position };
  }

  async acquireLease(streamName: string, shardId: string, owner: string): Promise<Lease | undefined> {
    this.assertOpen('acquire a lease');
    validateShardAddress(streamName, shardId);
    validateNonEmptyString(owner, 'owner');
    const token = randomUUID();
    const reply = await this.call('acquireLease', { streamName, shardId }, () =>
      SCRIPTS.acquire.run(
        this.redis,
        [this.keys.shard(streamName, shardId), this.keys.shardIndex(streamName)],
        [owner, token, this.leaseDurationMs, shardId],
      ),
    );
    const outcome = parseAcquireReply(reply);
    if (outcome.kind === 'refused') return undefined;
    return { streamName, shardId, owner, token: outcome.token, expiresAt: outcome.expiresAt };
  }

  async renewLease(lease: Lease): Promise<Lease> {
    this.assertOpen('renew a lease');
    validateLease(lease);
    const reply = await this.call('renewLease', leaseContext(lease), () =>
      SCRIPTS.renew.run(
        this.redis,
        [this.keys.shard(lease.streamName, lease.shardId)],
        [lease.token, this.leaseDurationMs],
      ),
    );
    const { values } = ownedReply(reply, lease, 'renewLease');
    return {
      streamName: lease.streamName,
      shardId: lease.shardId,
      owner: lease.owner,
      token: lease.token,
      expiresAt: millis(values[0], 'renewLease'),
    };
  }

  async releaseLease(lease: Lease, options: ReleaseLeaseOptions = {}): Promise<void> {
    this.assertOpen('release a lease');
    validateLease(lease);
    const handoffTo = options?.handoffTo;
    if (handoffTo !== undefined) validateNonEmptyString(handoffTo, 'handoffTo');
    await this.call('releaseLease', leaseContext(lease), () =>
      SCRIPTS.release.run(
        this.redis,
        [this.keys.shard(lease.streamName, lease.shardId)],
        [lease.token, handoffTo ?? '', this.handoffReservationMs],
      ),
    );
  }

  async checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    this.assertOpen('write a checkpoint');
    validateCheckpointPosition(position);
    validateLease(lease);
    const context = {
      ...leaseContext(lease),
      sequenceNumber: position.sequenceNumber,
      ...(position.subSequenceNumber !== undefined ? { subSequenceNumber: position.subSequenceNumber } : {}),
    };
    const reply = await this.call('checkpoint', context, () =>
      SCRIPTS.checkpoint.run(
        this.redis,
        [this.keys.shard(lease.streamName, lease.shardId)],
        [
          lease.token,
          position.sequenceNumber,
          position.subSequenceNumber === undefined ? '' : String(position.subSequenceNumber),
        ],
      ),
    );
    return ownedReply(reply, lease, 'checkpoint').code === 1;
  }

  async markShardEnd(lease: Lease): Promise<void> {
    this.assertOpen('mark a shard end');
    validateLease(lease);
    const reply = await this.call('markShardEnd', leaseContext(lease), () =>
      SCRIPTS.markShardEnd.run(this.redis, [this.keys.shard(lease.streamName, lease.shardId)], [lease.token]),
    );
    ownedReply(reply, lease, 'markShardEnd');
  }

  async listLeases(streamName: string): Promise<LeaseInfo[]> {
    this.assertOpen('list leases');
    validateNonEmptyString(streamName, 'streamName');
    const snapshot = await this.readStream(streamName);
    return snapshot.leases
      .filter((state) => state.owner !== undefined || state.checkpoint !== undefined)
      .map(({ shardId, owner, expiresAt, checkpoint }) => ({
        shardId,
        ...(owner !== undefined ? { owner, expiresAt } : {}),
        ...(checkpoint !== undefined ? { checkpoint } : {}),
      }));
  }

  async heartbeat(streamName: string, workerId: string): Promise<number> {
    this.assertOpen('heartbeat');
    validateNonEmptyString(streamName, 'streamName');
    validateNonEmptyString(workerId, 'workerId');
    const reply = await this.call('heartbeat', { streamName }, () =>
      SCRIPTS.heartbeat.run(this.redis, [this.keys.workers(streamName)], [workerId, this.leaseDurationMs]),
    );
    return millis(reply, 'heartbeat');
  }

  async leaveGroup(streamName: string, workerId: string): Promise<void> {
    this.assertOpen('leave the group');
    validateNonEmptyString(streamName, 'streamName');
    validateNonEmptyString(workerId, 'workerId');
    await this.call('leaveGroup', { streamName }, () =>
      this.redis.zrem(this.keys.workers(streamName), workerId),
    );
  }

  async liveWorkers(streamName: string): Promise<string[]> {
    this.assertOpen('list live workers');
    validateNonEmptyString(streamName, 'streamName');
    const reply = await this.call('liveWorkers', { streamName }, () =>
      SCRIPTS.liveWorkers.run(this.redis, [this.keys.workers(streamName)], []),
    );
    return stringArray(reply).sort(compareText);
  }

  async requestHandoff(
    streamName: string,
    shardId: string,
    requester: string,
  ): Promise<HandoffRequestResult> {
    this.assertOpen('request a handoff');
    validateShardAddress(streamName, shardId);
    validateNonEmptyString(requester, 'requester');
    const reply = await this.call('requestHandoff', { streamName, shardId }, () =>
      SCRIPTS.requestHandoff.run(
        this.redis,
        [this.keys.shard(streamName, shardId)],
        [requester, this.handoffTimeoutMs],
      ),
    );
    return parseHandoffReply(reply);
  }

  async cancelHandoff(streamName: string, shardId: string, requester: string): Promise<boolean> {
    this.assertOpen('cancel a handoff');
    validateShardAddress(streamName, shardId);
    validateNonEmptyString(requester, 'requester');
    const reply = await this.call('cancelHandoff', { streamName, shardId }, () =>
      SCRIPTS.cancelHandoff.run(this.redis, [this.keys.shard(streamName, shardId)], [requester]),
    );
    return reply === 1;
  }

  async pendingHandoffs(streamName: string, owner: string): Promise<HandoffRequest[]> {
    this.assertOpen('list pending handoffs');
    validateNonEmptyString(streamName, 'streamName');
    validateNonEmptyString(owner, 'owner');
    const snapshot = await this.readStream(streamName);
    const live = new Set(snapshot.liveWorkers);
    const requests: HandoffRequest[] = [];
    for (const state of snapshot.leases)
      if (state.owner === owner && state.handoff !== undefined && live.has(state.handoff.requester))
        requests.push({
          streamName,
          shardId: state.shardId,
          owner,
          requester: state.handoff.requester,
          deadline: state.handoff.deadline,
        });
    return requests;
  }

  async leaseSnapshot(streamName: string): Promise<LeaseSnapshot> {
    this.assertOpen('read a lease snapshot');
    validateNonEmptyString(streamName, 'streamName');
    return this.readStream(streamName);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.ownedClient;
    if (client === undefined) return;
    // QUIT only on a ready connection; one that is (re)connecting is dropped, which also cancels
    // its reconnection timer.
    this.closing ??=
      client.status === 'ready'
        ? client.quit().then(
            () => undefined,
            () => client.disconnect(),
          )
        : Promise.resolve(client.disconnect());
    await this.closing;
  }

  private async readStream(streamName: string): Promise<LeaseSnapshot> {
    const shardIds = (
      await this.call('listLeases', { streamName }, () =>
        this.redis.smembers(this.keys.shardIndex(streamName)),
      )
    ).sort(compareText);
    const reply = await this.call('listLeases', { streamName }, () =>
      SCRIPTS.readStream.run(
        this.redis,
        [this.keys.workers(streamName), ...shardIds.map((shardId) => this.keys.shard(streamName, shardId))],
        [],
      ),
    );
    if (!Array.isArray(reply) || reply.length !== shardIds.length + 2)
      throw new RedisCommandError('listLeases', `unexpected script reply ${JSON.stringify(reply)}`);
    const now = millis(reply[0], 'listLeases');
    const leases: LeaseState[] = [];
    shardIds.forEach((shardId, index) => {
      const state = parseLeaseState(shardId, reply[index + 2], now);
      if (state !== undefined) leases.push(state);
    });
    return { now, liveWorkers: stringArray(reply[1]).sort(compareText), leases };
  }

  private call<T>(operation: string, context: ErrorContext, run: () => Promise<T>): Promise<T> {
    return retryRedisCall(operation, run, {
      backoff: this.options.retry,
      context,
      ...(this.options.sleep !== undefined ? { sleep: this.options.sleep } : {}),
      stopped: () => (this.closed ? new CheckpointerClosedError(this.name, operation) : undefined),
    });
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new CheckpointerClosedError(this.name, operation);
  }
}

function leaseContext(lease: Lease): ErrorContext {
  return { streamName: lease.streamName, shardId: lease.shardId };
}

function stringArray(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.filter((item): item is string => typeof item === 'string') : [];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
