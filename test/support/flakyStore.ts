// A checkpointer over a MemoryCheckpointer whose store can be made unreachable: for positions
// finished during an outage (written when the lease comes back).
import type { Checkpointer, CheckpointPosition, Lease, MemoryCheckpointer } from '../../src/index.js';

/** A checkpointer whose writes fail while `writesDown` is set, and renewals while `renewalsDown`. */
export class FlakyStore implements Checkpointer {
  readonly name = 'flaky';
  writesDown = false;
  renewalsDown = false;
  constructor(private readonly inner: MemoryCheckpointer) {}
  get leaseDurationMs(): number {
    return this.inner.leaseDurationMs;
  }
  private check(down: boolean): void {
    if (down) throw new Error('store unreachable (test)');
  }
  getCheckpoint(streamName: string, shardId: string) {
    return this.inner.getCheckpoint(streamName, shardId);
  }
  acquireLease(streamName: string, shardId: string, owner: string) {
    return this.inner.acquireLease(streamName, shardId, owner);
  }
  async renewLease(lease: Lease) {
    this.check(this.renewalsDown);
    return this.inner.renewLease(lease);
  }
  releaseLease(lease: Lease) {
    return this.inner.releaseLease(lease);
  }
  async checkpoint(lease: Lease, position: CheckpointPosition) {
    this.check(this.writesDown);
    return this.inner.checkpoint(lease, position);
  }
  markShardEnd(lease: Lease) {
    return this.inner.markShardEnd(lease);
  }
  listLeases(streamName: string) {
    return this.inner.listLeases(streamName);
  }
  close() {
    return this.inner.close();
  }
}
