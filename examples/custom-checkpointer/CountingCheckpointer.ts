// A user's own Checkpointer: it counts the checkpoints it stores and keeps the state in another
// Checkpointer. A checkpointer over DynamoDB or Postgres implements the same interface.
import type { CheckpointPosition, Checkpointer, Lease, LeaseInfo, ShardCheckpoint } from 'rxjs-kinesis';

export class CountingCheckpointer implements Checkpointer {
  readonly name: string;
  readonly leaseDurationMs: number;
  stored = 0;

  constructor(private readonly inner: Checkpointer) {
    this.name = `counting(${inner.name})`;
    this.leaseDurationMs = inner.leaseDurationMs;
  }

  getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    return this.inner.getCheckpoint(streamName, shardId);
  }

  acquireLease(streamName: string, shardId: string, owner: string): Promise<Lease | undefined> {
    return this.inner.acquireLease(streamName, shardId, owner);
  }

  renewLease(lease: Lease): Promise<Lease> {
    return this.inner.renewLease(lease);
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.inner.releaseLease(lease);
  }

  async checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    const moved = await this.inner.checkpoint(lease, position);
    if (moved) this.stored += 1;
    return moved;
  }

  markShardEnd(lease: Lease): Promise<void> {
    return this.inner.markShardEnd(lease);
  }

  listLeases(streamName: string): Promise<LeaseInfo[]> {
    return this.inner.listLeases(streamName);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
