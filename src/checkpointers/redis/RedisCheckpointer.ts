import { randomUUID } from 'node:crypto';
import { redactConnectionString } from '../../errors/redact.js';
import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import type { LogLevel, Logger } from '../../logging/Logger.js';
import { type LogDetails, writeLog } from '../../logging/writeLog.js';
import { LeaseLostError } from '../errors/LeaseLostError.js';
import type { CheckpointPosition, Lease, LeaseInfo, ShardCheckpoint } from '../Checkpointer.js';
import type {
  HandoffRequest,
  HandoffRequestResult,
  HeartbeatOptions,
  LeaseCoordinator,
  LeaseSnapshot,
  ReleaseLeaseOptions,
} from '../LeaseCoordinator.js';
import type { ReleaseLeaseResult } from '../ReleaseLeaseResult.js';
import { publishedCapOf } from '../publishedCap.js';
import { validateCheckpointPosition } from '../validateCheckpointPosition.js';
import {
  validateLease,
  validateNonEmptyString,
  validateShardAddress,
} from '../validateCheckpointerArguments.js';
import { forgetRedisShards } from './forgetRedisShards.js';
import { readLeaseSnapshot } from './readLeaseSnapshot.js';
import { RedisCaller } from './RedisCaller.js';
import type { RedisClient } from './RedisClient.js';
import {
  resolveRedisCheckpointerOptions,
  type RedisCheckpointerOptions,
} from './RedisCheckpointerOptions.js';
import { RedisKeys } from './redisKeys.js';
import { UnansweredAcquisitions } from './UnansweredAcquisitions.js';
import { REDIS_SCRIPTS as SCRIPTS } from './redisScripts.js';
import { millis, ownedReply, parseAcquireReply, parseHandoffReply, sortedStrings } from './scriptResult.js';

/**
 * Checkpoints and leases in Redis (standalone or Cluster), shared by every worker of an
 * application. Every state change is one Lua script that checks the lease token first, so no
 * read-then-write race exists between workers; lease expiry is judged by the Redis server's
 * clock (TIME), so the workers' clocks never matter. Transient Redis failures are retried with
 * back-off and end as RedisUnavailableError (retriable), never later than `callTimeout`; a
 * connection opened from a URL fails calls at once while Redis is unreachable (no offline
 * queue), so a call to a stopped Redis ends after the back-off alone, with the refused address
 * as its cause. Certificate errors of a `rediss://` connection end as RedisTlsError (not
 * retriable). Errors carry no password and no command arguments.
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
  /** The most one call may take, retries included (ms). */
  readonly callTimeoutMs: number;
  private readonly keys: RedisKeys;
  private readonly caller: RedisCaller;
  private readonly redis: RedisClient;
  private readonly logger: Logger | undefined;
  private readonly unanswered = new UnansweredAcquisitions();

  constructor(options: RedisCheckpointerOptions) {
    const resolved = resolveRedisCheckpointerOptions(options);
    this.name = resolved.name;
    this.leaseDurationMs = resolved.sessionTimeoutMs;
    this.heartbeatIntervalMs = resolved.heartbeatIntervalMs;
    this.handoffTimeoutMs = resolved.handoffTimeoutMs;
    this.handoffReservationMs = resolved.handoffReservationMs;
    this.keys = new RedisKeys(resolved.keyPrefix, resolved.name);
    this.callTimeoutMs = resolved.callTimeoutMs;
    this.caller = new RedisCaller(resolved);
    this.redis = this.caller.redis;
    this.logger = resolved.logger;
    this.log('info', 'Redis checkpointer opened', {
      redis: typeof resolved.redis === 'string' ? redactConnectionString(resolved.redis) : 'a given client',
    });
  }

  async getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    this.caller.assertOpen('get a checkpoint');
    validateShardAddress(streamName, shardId);
    const [sequenceNumber, sub, end] = await this.caller.call('getCheckpoint', { streamName, shardId }, () =>
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
    this.caller.assertOpen('acquire a lease');
    validateShardAddress(streamName, shardId);
    validateNonEmptyString(owner, 'owner');
    const unanswered = this.unanswered.take(streamName, shardId, owner);
    const token = unanswered ?? randomUUID();
    const reply = await this.unanswered.watch(
      { streamName, shardId, owner, token },
      this.caller.call('acquireLease', { streamName, shardId }, () =>
        SCRIPTS.acquire.run(
          this.redis,
          [this.keys.shard(streamName, shardId), this.keys.shardIndex(streamName)],
          [owner, token, this.leaseDurationMs, shardId],
        ),
      ),
    );
    const outcome = parseAcquireReply(reply);
    if (outcome.kind === 'refused') return undefined;
    this.log('debug', 'lease acquired', { streamName, shardId, owner });
    const lease: Lease = { streamName, shardId, owner, token: outcome.token, expiresAt: outcome.expiresAt };
    if (unanswered === undefined) return lease;
    // A lease an unanswered call created runs a session from that call: renewed, it runs one from
    // this call, as the caller counts its deadline (one that ran out meanwhile is free again).
    return this.unanswered.watch(lease, this.renewLease(lease)).catch((error: unknown) => {
      if (error instanceof LeaseLostError) return undefined;
      throw error;
    });
  }

  async renewLease(lease: Lease): Promise<Lease> {
    this.caller.assertOpen('renew a lease');
    validateLease(lease);
    const reply = await this.caller.call('renewLease', leaseContext(lease), () =>
      SCRIPTS.renew.run(
        this.redis,
        [this.keys.shard(lease.streamName, lease.shardId)],
        [lease.token, this.leaseDurationMs],
      ),
    );
    let values: unknown[];
    try {
      ({ values } = ownedReply(reply, lease, 'renewLease'));
    } catch (error) {
      if (error instanceof LeaseLostError)
        this.log('warn', 'lease lost', { ...leaseContext(lease), owner: lease.owner, error });
      throw error;
    }
    return {
      streamName: lease.streamName,
      shardId: lease.shardId,
      owner: lease.owner,
      token: lease.token,
      expiresAt: millis(values[0], 'renewLease'),
    };
  }

  releaseLease(lease: Lease): Promise<void>;
  releaseLease(lease: Lease, options: ReleaseLeaseOptions | undefined): Promise<ReleaseLeaseResult>;
  async releaseLease(lease: Lease, options: ReleaseLeaseOptions = {}): Promise<ReleaseLeaseResult | void> {
    this.caller.assertOpen('release a lease');
    validateLease(lease);
    const handoffTo = options?.handoffTo;
    if (handoffTo !== undefined) validateNonEmptyString(handoffTo, 'handoffTo');
    // The script reserves the lease only if the requester's heartbeat is live as it runs.
    const result = await this.caller.call('releaseLease', leaseContext(lease), () =>
      SCRIPTS.release.run(
        this.redis,
        [this.keys.shard(lease.streamName, lease.shardId), this.keys.workers(lease.streamName)],
        [lease.token, handoffTo ?? '', this.handoffReservationMs],
      ),
    );
    const reserved = handoffTo !== undefined && Number(result) === 2;
    this.log('debug', 'lease released', {
      ...leaseContext(lease),
      owner: lease.owner,
      handoffTo,
      ...(handoffTo !== undefined ? { reserved } : {}),
    });
    return { reservedFor: reserved ? handoffTo : undefined };
  }

  async checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    this.caller.assertOpen('write a checkpoint');
    validateCheckpointPosition(position);
    validateLease(lease);
    const context = {
      ...leaseContext(lease),
      sequenceNumber: position.sequenceNumber,
      ...(position.subSequenceNumber !== undefined ? { subSequenceNumber: position.subSequenceNumber } : {}),
    };
    const reply = await this.caller.call('checkpoint', context, () =>
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
    this.caller.assertOpen('mark a shard end');
    validateLease(lease);
    const reply = await this.caller.call('markShardEnd', leaseContext(lease), () =>
      SCRIPTS.markShardEnd.run(this.redis, [this.keys.shard(lease.streamName, lease.shardId)], [lease.token]),
    );
    ownedReply(reply, lease, 'markShardEnd');
  }

  async listLeases(streamName: string): Promise<LeaseInfo[]> {
    this.caller.assertOpen('list leases');
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

  /** Removes the state of gone shards no one holds (see Checkpointer.forgetShards): one script. */
  forgetShards(streamName: string, shardIds: readonly string[]): Promise<string[]> {
    return forgetRedisShards(this.caller, this.keys, streamName, shardIds);
  }

  async heartbeat(streamName: string, workerId: string, options?: HeartbeatOptions): Promise<number> {
    this.caller.assertOpen('heartbeat');
    validateNonEmptyString(streamName, 'streamName');
    validateNonEmptyString(workerId, 'workerId');
    const cap = publishedCapOf(options);
    const keys = [this.keys.workers(streamName), this.keys.workerCaps(streamName)];
    const args = [workerId, this.leaseDurationMs, cap === undefined ? '' : cap];
    const beat = () => SCRIPTS.heartbeat.run(this.redis, keys, args);
    const reply = await this.caller.call('heartbeat', { streamName }, beat, { signal: options?.signal });
    return millis(reply, 'heartbeat');
  }

  async leaveGroup(streamName: string, workerId: string): Promise<void> {
    this.caller.assertOpen('leave the group');
    validateNonEmptyString(streamName, 'streamName');
    validateNonEmptyString(workerId, 'workerId');
    await this.caller.call('leaveGroup', { streamName }, () =>
      SCRIPTS.leaveGroup.run(
        this.redis,
        [this.keys.workers(streamName), this.keys.workerCaps(streamName)],
        [workerId],
      ),
    );
  }

  async liveWorkers(streamName: string): Promise<string[]> {
    this.caller.assertOpen('list live workers');
    validateNonEmptyString(streamName, 'streamName');
    const reply = await this.caller.call('liveWorkers', { streamName }, () =>
      SCRIPTS.liveWorkers.run(this.redis, [this.keys.workers(streamName)], []),
    );
    return sortedStrings(reply);
  }

  async requestHandoff(
    streamName: string,
    shardId: string,
    requester: string,
  ): Promise<HandoffRequestResult> {
    this.caller.assertOpen('request a handoff');
    validateShardAddress(streamName, shardId);
    validateNonEmptyString(requester, 'requester');
    const reply = await this.caller.call('requestHandoff', { streamName, shardId }, () =>
      SCRIPTS.requestHandoff.run(
        this.redis,
        [this.keys.shard(streamName, shardId)],
        [requester, this.handoffTimeoutMs],
      ),
    );
    return parseHandoffReply(reply);
  }

  async cancelHandoff(streamName: string, shardId: string, requester: string): Promise<boolean> {
    this.caller.assertOpen('cancel a handoff');
    validateShardAddress(streamName, shardId);
    validateNonEmptyString(requester, 'requester');
    const reply = await this.caller.call('cancelHandoff', { streamName, shardId }, () =>
      SCRIPTS.cancelHandoff.run(this.redis, [this.keys.shard(streamName, shardId)], [requester]),
    );
    return reply === 1;
  }

  async pendingHandoffs(streamName: string, owner: string): Promise<HandoffRequest[]> {
    this.caller.assertOpen('list pending handoffs');
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
    this.caller.assertOpen('read a lease snapshot');
    validateNonEmptyString(streamName, 'streamName');
    return this.readStream(streamName);
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.caller.isClosed;
  }

  /**
   * Refuses further calls; closes the connection opened from a URL (a given client stays open):
   * QUIT, or, when Redis does not answer within `callTimeout`, the connection dropped.
   */
  async close(): Promise<void> {
    const first = !this.caller.isClosed;
    await this.caller.close();
    if (first) this.log('info', 'Redis checkpointer closed');
  }

  private log(level: LogLevel, message: string, details: LogDetails = {}): void {
    writeLog(this.logger, level, message, { checkpointer: this.name, ...details });
  }

  private readStream(streamName: string): Promise<LeaseSnapshot> {
    return readLeaseSnapshot(this.caller, this.keys, streamName);
  }
}

function leaseContext(lease: Lease): ErrorContext {
  return { streamName: lease.streamName, shardId: lease.shardId };
}
