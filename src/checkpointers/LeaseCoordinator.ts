import type { Checkpointer, Lease, LeaseInfo } from './Checkpointer.js';
import type { ReleaseLeaseResult } from './ReleaseLeaseResult.js';

/** Options of `LeaseCoordinator.releaseLease`. */
export interface ReleaseLeaseOptions {
  /**
   * Reserve the released lease for this worker (the one that asked for a handoff) for a short
   * time, so no third worker grabs it first. Only while its heartbeat is live as the release
   * writes: a requester gone by then (it died while the owner drained its records) gets no
   * reservation, and any worker may take the lease at once.
   */
  readonly handoffTo?: string;
}

/** A request, recorded on a lease, that its owner hand the lease over to `requester`. */
export interface HandoffRequest {
  readonly streamName: string;
  readonly shardId: string;
  readonly owner: string;
  readonly requester: string;
  /**
   * Epoch ms (coordinator clock) by which the owner should have released the lease; from then on
   * the requester may take it over with `acquireLease`.
   */
  readonly deadline: number;
}

/** What `requestHandoff` did. */
export type HandoffRequestResult =
  /** Recorded (or was already pending for this requester): wait for the owner, or for `deadline`. */
  | { readonly status: 'requested' | 'already-requested'; readonly owner: string; readonly deadline: number }
  /** Another worker's request is pending on this lease; pick another shard or try later. */
  | {
      readonly status: 'other-request-pending';
      readonly owner: string;
      readonly requester: string;
      readonly deadline: number;
    }
  /** The requester holds the lease itself. */
  | { readonly status: 'own'; readonly owner: string }
  /** Nobody holds the lease live: call `acquireLease` instead. */
  | { readonly status: 'free' };

/** A lease with everything balancing needs to know. */
export interface LeaseState extends LeaseInfo {
  /** Pending handoff request (not yet stale): who asked, and the owner's deadline. */
  readonly handoff?: { readonly requester: string; readonly deadline: number };
  /** The lease was released for this worker and is reserved for it until `until` (epoch ms). */
  readonly reservation?: { readonly worker: string; readonly until: number };
  /**
   * The lease ran out without being released: the worker id that held it last. That owner
   * stopped emitting at its deadline, but its handler may still hold records of the shard.
   */
  readonly lapsedOwner?: string;
}

/** Options of `LeaseCoordinator.heartbeat`. */
export interface HeartbeatOptions {
  /**
   * Most shards this worker will hold (its `maxShardConsumers`), published with the heartbeat so
   * the other workers can leave it no more and take the rest. Omitted or `Infinity`: no limit. A
   * heartbeat without it clears a cap published before.
   */
  readonly maxShardConsumers?: number;
  /**
   * Aborted when the caller no longer wants the heartbeat (a consumer stopping while its first
   * heartbeat still waits, e.g. for a lease table being created). A coordinator that knows it ends
   * its waits then and rejects without writing the heartbeat (one already being written may still
   * land, and resolves); one that does not may ignore it, and the caller waits for its answer.
   */
  readonly signal?: AbortSignal;
}

/** A live worker's published limit on the shards it holds (`HeartbeatOptions.maxShardConsumers`). */
export interface WorkerCap {
  readonly workerId: string;
  readonly maxShardConsumers: number;
}

/** One consistent view of a stream's leases and workers. */
export interface LeaseSnapshot {
  /** The coordinator's clock (epoch ms) when the snapshot was taken: compare expiries with it. */
  readonly now: number;
  /** Ids of workers whose heartbeat is live, sorted. */
  readonly liveWorkers: readonly string[];
  /**
   * The live workers whose last heartbeat published a cap, sorted by worker id; a live worker not
   * listed has no limit. A coordinator that keeps no caps leaves the field out (every worker
   * then counts as unlimited).
   */
  readonly workerCaps?: readonly WorkerCap[];
  /** Every shard with state (live lease, checkpoint, handoff or reservation), sorted by shard id. */
  readonly leases: readonly LeaseState[];
}

/**
 * Membership and balancing primitives, for checkpointers that several processes share (the
 * RedisCheckpointer). A consumer's lease manager drives them:
 *
 * 1. every `heartbeatIntervalMs`: `heartbeat(stream, me, { maxShardConsumers })`, then
 *    `leaseSnapshot(stream)` and `planLeaseBalance(...)`;
 * 2. acquire the planned free/expired/reserved shards (and take over those whose handoff
 *    deadline passed) with `acquireLease`; `requestHandoff` the planned one;
 * 3. honour requests on its own leases (`pendingHandoffs`): stop reading the shard, finish the
 *    records in flight, checkpoint, then `releaseLease(lease, { handoffTo: requester })`;
 * 4. on shutdown: release every lease, then `leaveGroup`.
 */
export interface LeaseCoordinator extends Checkpointer {
  /** How often a worker should call `heartbeat` (and renew its leases at least as often). */
  readonly heartbeatIntervalMs: number;
  /** How long an owner has to honour a handoff request before the requester may take the lease. */
  readonly handoffTimeoutMs: number;
  /**
   * Marks `workerId` alive for the session timeout, with the cap it publishes (see
   * HeartbeatOptions; a coordinator that keeps no caps may ignore it); returns the heartbeat's
   * expiry (epoch ms).
   */
  heartbeat(streamName: string, workerId: string, options?: HeartbeatOptions): Promise<number>;
  /** Forgets `workerId` at once (graceful shutdown, after releasing its leases). */
  leaveGroup(streamName: string, workerId: string): Promise<void>;
  /** Workers whose heartbeat is live, sorted. */
  liveWorkers(streamName: string): Promise<string[]>;
  /** Asks the live owner of a lease to hand it to `requester` (see HandoffRequestResult). */
  requestHandoff(streamName: string, shardId: string, requester: string): Promise<HandoffRequestResult>;
  /** Withdraws `requester`'s request or reservation on a lease; true if there was one. */
  cancelHandoff(streamName: string, shardId: string, requester: string): Promise<boolean>;
  /** Live handoff requests from live workers on leases `owner` holds, sorted by shard id. */
  pendingHandoffs(streamName: string, owner: string): Promise<HandoffRequest[]>;
  /** Everything balancing needs in one read. */
  leaseSnapshot(streamName: string): Promise<LeaseSnapshot>;
  /** Gives the lease up, keeping the checkpoint, as any Checkpointer does. */
  releaseLease(lease: Lease): Promise<void>;
  /**
   * Gives the lease up, keeping the checkpoint; `handoffTo` reserves it for the requester if that
   * worker's heartbeat is live at the release. Resolves to whom it was reserved for (see
   * ReleaseLeaseResult); a coordinator may resolve to nothing instead, and then says nothing
   * about it.
   */
  releaseLease(lease: Lease, options: ReleaseLeaseOptions | undefined): Promise<ReleaseLeaseResult | void>;
}

const COORDINATOR_METHODS = [
  'heartbeat',
  'leaveGroup',
  'liveWorkers',
  'requestHandoff',
  'cancelHandoff',
  'pendingHandoffs',
  'leaseSnapshot',
] as const;

/** True if the checkpointer also offers the membership and balancing primitives. */
export function isLeaseCoordinator(checkpointer: Checkpointer): checkpointer is LeaseCoordinator {
  const candidate = checkpointer as unknown as Record<string, unknown>;
  return (
    typeof candidate.heartbeatIntervalMs === 'number' &&
    typeof candidate.handoffTimeoutMs === 'number' &&
    COORDINATOR_METHODS.every((method) => typeof candidate[method] === 'function')
  );
}
