import type { Lease } from '../checkpointers/Checkpointer.js';
import type { LeaseSnapshot } from '../checkpointers/LeaseCoordinator.js';
import type { PendingHandoff } from './HandoffDeadlines.js';

/**
 * Which shards this worker reads. LocalAssignment (one process: every open shard, up to
 * maxShardConsumers) and LeaseBalancer (a group sharing a LeaseCoordinator: leases, fair
 * shares, handoffs) implement it. Either way leases go through the LeaseManager, which enforces
 * every lease's deadline.
 */
export interface ShardAssignment {
  /** Starts assigning; the first pass runs at once. */
  start(): void;
  /** Something changed (shards listed, a shard ended, a lease lost): run a pass soon. */
  trigger(): void;
  /** Stops passing; waits for a pass under way. */
  stop(): Promise<void>;
  /** Who should get a shard this worker holds when it stops (a pending handoff), if anyone. */
  requesterOf(shardId: string): string | undefined;
  /**
   * After the leases were released: leave the group, if any. `signal` aborts when the stop's final
   * writes ran out of time: a retry's wait ends then. Never rejects.
   */
  leave(signal?: AbortSignal): Promise<void>;
}

/** What an assignment needs from the consumer. */
export interface AssignmentHost {
  /** Shards that may be read now (known, not ended, every parent ended); `snapshot` from a group. */
  openShards(snapshot?: LeaseSnapshot): Promise<string[]>;
  /** Shards with a reading that is not over. */
  activeShards(): ReadonlySet<string>;
  /**
   * A lease was just acquired: start reading the shard (or release the lease if it cannot),
   * after `waitMs` (a takeover waits out the previous owner's lease). Never waits itself.
   */
  startReading(shardId: string, lease: Lease, waitMs?: number): Promise<void>;
  /**
   * Stop reading a shard, let its records finish (bounded), write, release the lease (to
   * `requester`). With `request` (the request pending on the lease), the wait ends, and the
   * request is withdrawn, safely before its deadline. Called again for a shard being handed over,
   * it only takes in the request.
   */
  handOver(shardId: string, requester: string | undefined, request?: PendingHandoff): void;
  /** True while the shard is being handed over (its lease is still held). */
  isHandingOver(shardId: string): boolean;
  /**
   * True for a while after this worker gave the shard up because its reads kept timing out
   * (shard-stalled): the shard is left to other workers before this one takes it again.
   */
  isCoolingDown(shardId: string): boolean;
  /** A call to the checkpointer failed, or succeeded (see CheckpointerHealth). */
  checkpointerFailed(error: unknown): void;
  checkpointerOk(): void;
}
