// A Checkpointer for tests that delegates to another one (e.g. a MemoryCheckpointer shared by
// several consumers) and lets a test watch its calls and make some of them wait or fail.
import type { Checkpointer, CheckpointPosition, Lease, LeaseInfo, ShardCheckpoint } from '../../src/index.js';

/** One position write the consumer asked for, as the checkpointer saw it. */
export interface SpiedWrite {
  readonly shardId: string;
  /** 'SHARD_END' for markShardEnd(). */
  readonly position: CheckpointPosition | 'SHARD_END';
  /** What the test's `snapshot` hook returned at the moment of the call (before it is stored). */
  readonly seen: unknown;
}

export interface SpyCheckpointerHooks {
  /** Called at each checkpoint()/markShardEnd() call before it is passed on; its result is kept in the write. */
  readonly snapshot?: (shardId: string) => unknown;
  /** Awaited before acquireLease() is passed on. */
  readonly beforeAcquire?: (shardId: string) => Promise<void>;
  /** Called before renewLease() is passed on; a rejection is returned to the consumer instead. */
  readonly beforeRenew?: (lease: Lease) => Promise<void>;
  /** Awaited before releaseLease() is passed on. */
  readonly beforeRelease?: (lease: Lease) => Promise<void>;
}

export class SpyCheckpointer implements Checkpointer {
  readonly name: string;
  readonly leaseDurationMs: number;
  readonly writes: SpiedWrite[] = [];
  acquireCalls = 0;
  renewCalls = 0;
  releaseCalls = 0;
  /** acquireLease() calls whose answer has not come back yet. */
  acquiresPending = 0;

  constructor(
    private readonly inner: Checkpointer,
    private readonly hooks: SpyCheckpointerHooks = {},
  ) {
    this.name = `spy(${inner.name})`;
    this.leaseDurationMs = inner.leaseDurationMs;
  }

  getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    return this.inner.getCheckpoint(streamName, shardId);
  }

  async acquireLease(streamName: string, shardId: string, owner: string): Promise<Lease | undefined> {
    this.acquireCalls += 1;
    this.acquiresPending += 1;
    try {
      await this.hooks.beforeAcquire?.(shardId);
      return await this.inner.acquireLease(streamName, shardId, owner);
    } finally {
      this.acquiresPending -= 1;
    }
  }

  async renewLease(lease: Lease): Promise<Lease> {
    this.renewCalls += 1;
    await this.hooks.beforeRenew?.(lease);
    return this.inner.renewLease(lease);
  }

  releaseLease(lease: Lease): Promise<void> {
    this.releaseCalls += 1;
    const before = this.hooks.beforeRelease;
    if (before === undefined) return this.inner.releaseLease(lease);
    return before(lease).then(() => this.inner.releaseLease(lease));
  }

  checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    this.writes.push({ shardId: lease.shardId, position, seen: this.hooks.snapshot?.(lease.shardId) });
    return this.inner.checkpoint(lease, position);
  }

  markShardEnd(lease: Lease): Promise<void> {
    this.writes.push({
      shardId: lease.shardId,
      position: 'SHARD_END',
      seen: this.hooks.snapshot?.(lease.shardId),
    });
    return this.inner.markShardEnd(lease);
  }

  listLeases(streamName: string): Promise<LeaseInfo[]> {
    return this.inner.listLeases(streamName);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
