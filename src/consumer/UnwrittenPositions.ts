import type { Checkpointer, CheckpointPosition, Lease } from '../checkpointers/Checkpointer.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { LeaseManager } from './LeaseManager.js';
import type { ShardCounters } from './ShardCounters.js';

/**
 * Positions finished but not written when a shard's lease was lost (say, the store was
 * unreachable): written through the lease when this worker holds the shard again, before it is
 * read again, and then shown as the shard's last checkpoint by stats().
 */
export class UnwrittenPositions {
  private readonly positions = new Map<string, CheckpointPosition>();

  constructor(
    private readonly checkpointer: Checkpointer,
    private readonly leases: LeaseManager,
    /** The shards' counters (stats()), by shard id. */
    private readonly counters: ReadonlyMap<string, ShardCounters>,
    private readonly onEvent: (event: ConsumerEvent) => void,
  ) {}

  /** Keeps `position` for the next time this worker holds the shard. */
  keep(shardId: string, position: CheckpointPosition): void {
    this.positions.set(shardId, position);
  }

  /** Writes the shard's kept position, if any, while `lease` is the one held. */
  async write(shardId: string, lease: Lease): Promise<void> {
    const position = this.positions.get(shardId);
    if (position === undefined) return;
    const current = this.leases.get(shardId) ?? lease;
    if (current.token !== lease.token) return;
    const stored = await this.checkpointer.checkpoint(current, position);
    const counters = this.counters.get(shardId);
    if (stored && counters !== undefined) counters.checkpoint = position;
    this.onEvent({ type: stored ? 'checkpoint-written' : 'checkpoint-refused', shardId, position });
    this.positions.delete(shardId);
  }
}
