import type { SchedulerLike, Subscription } from 'rxjs';
import { classifyError } from '../kinesis/classifyError.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { LeaseManager } from './LeaseManager.js';
import type { AssignmentHost, ShardAssignment } from './ShardAssignment.js';
import { SerialPasses } from './SerialPasses.js';

export interface LocalAssignmentOptions {
  readonly leases: LeaseManager;
  readonly host: AssignmentHost;
  readonly scheduler: SchedulerLike;
  /** Most shards read at once. */
  readonly maxShardConsumers: number;
  /** Wait before a failed pass (or one that skipped a recently lost lease) is tried again, in ms. */
  readonly retryMs: number;
  readonly onEvent: (event: ConsumerEvent) => void;
}

/**
 * The single-process assignment: reads every open shard (up to maxShardConsumers), taking each
 * shard's lease in the checkpointer first. A shard whose lease another owner holds is tried
 * again at the next pass (every shard listing, shard end or lease loss triggers one).
 */
export class LocalAssignment implements ShardAssignment {
  private running = false;
  private readonly passes = new SerialPasses(
    () => this.pass(),
    () => this.running,
  );
  private retry: Subscription | undefined;

  constructor(private readonly options: LocalAssignmentOptions) {}

  start(): void {
    this.running = true;
    this.trigger();
  }

  trigger(): void {
    this.passes.trigger();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.retry?.unsubscribe();
    this.retry = undefined;
    await this.passes.settled();
  }

  requesterOf(): string | undefined {
    return undefined;
  }

  async leave(): Promise<void> {
    // A single process has no group to leave.
  }

  private async pass(): Promise<void> {
    const { host, leases, maxShardConsumers } = this.options;
    let operation = 'getCheckpoint';
    try {
      const open = await host.openShards();
      operation = 'acquireLease';
      let deferred = false;
      for (const shardId of open) {
        if (!this.running) return;
        const active = host.activeShards();
        if (active.has(shardId)) continue;
        if (leases.recentlyLost(shardId)) {
          deferred = true;
          continue;
        }
        if (active.size >= maxShardConsumers) break;
        const lease = await leases.acquire(shardId);
        if (lease !== undefined && this.running) await host.startReading(shardId, lease);
      }
      host.checkpointerOk();
      // A lease lost a moment ago is tried again once another worker had its chance to take it.
      if (deferred) this.retryLater();
    } catch (error) {
      host.checkpointerFailed(error);
      this.options.onEvent({
        type: 'error-retried',
        operation,
        error: classifyError(error),
        attempt: 1,
        delayMs: this.options.retryMs,
      });
      this.retryLater();
    }
  }

  private retryLater(): void {
    if (!this.running || this.retry !== undefined) return;
    this.retry = this.options.scheduler.schedule(() => {
      this.retry = undefined;
      this.trigger();
    }, this.options.retryMs);
  }
}
