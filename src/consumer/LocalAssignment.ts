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
 * The assignment without a LeaseCoordinator: reads every open shard (up to maxShardConsumers),
 * taking each shard's lease in the checkpointer first. A shard whose lease another owner holds
 * (another consumer on the same checkpointer) is tried again at the next pass: every shard
 * listing, shard end or lease loss triggers one, and so does, while this worker has room for more
 * shards, every lease renewal period (a third of the lease duration) after a pass that was
 * refused one. So a lease its owner released on leaving is taken within one renewal period, not
 * at the next shard listing; one its owner never released (a crash) still runs out first.
 */
export class LocalAssignment implements ShardAssignment {
  private running = false;
  private readonly passes = new SerialPasses(
    () => this.pass(),
    () => this.running,
  );
  private retry: Subscription | undefined;
  /** When the scheduled retry runs (scheduler time). */
  private retryAt = Infinity;

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
    this.cancelRetry();
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
      const taken = host.activeShards();
      // Full: nothing could be taken, nothing is asked (a reading that ends runs another pass).
      if (taken.size >= maxShardConsumers) {
        this.cancelRetry();
        return;
      }
      // Nothing is asked of the shards read here (nor of their children).
      const open = await host.openShards(undefined, taken);
      operation = 'acquireLease';
      let deferred = false;
      let refused = false;
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
        if (lease === undefined) refused = true;
        else if (this.running) await host.startReading(shardId, lease);
      }
      host.checkpointerOk();
      const room = host.activeShards().size < maxShardConsumers;
      // Nothing left to take (a pass since the one that set the retry took it): no retry.
      if (!deferred && !(refused && room)) this.cancelRetry();
      // A lease lost a moment ago is tried again once another worker had its chance to take it.
      if (deferred) this.retryLater(this.options.retryMs);
      // A lease held by another consumer: tried again within one renewal period (per period, one
      // more acquireLease and getCheckpoint per shard not read here), so a lease it releases (it
      // stopped) is read on soon.
      if (refused && room) this.retryLater(leases.renewalPeriodMs);
    } catch (error) {
      host.checkpointerFailed(error);
      this.options.onEvent({
        type: 'error-retried',
        operation,
        error: classifyError(error),
        attempt: 1,
        delayMs: this.options.retryMs,
      });
      this.retryLater(this.options.retryMs);
    }
  }

  private cancelRetry(): void {
    this.retry?.unsubscribe();
    this.retry = undefined;
    this.retryAt = Infinity;
  }

  /** Runs a pass in `delayMs`, unless one is already due sooner. */
  private retryLater(delayMs: number): void {
    if (!this.running) return;
    const { scheduler } = this.options;
    const at = scheduler.now() + delayMs;
    if (this.retry !== undefined && this.retryAt <= at) return;
    this.retry?.unsubscribe();
    this.retryAt = at;
    this.retry = scheduler.schedule(() => {
      this.retry = undefined;
      this.retryAt = Infinity;
      this.trigger();
    }, delayMs);
  }
}
