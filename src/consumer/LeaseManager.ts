import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { Checkpointer, Lease } from '../checkpointers/Checkpointer.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import { classifyError } from '../kinesis/classifyError.js';
import type { ConsumerEvent } from './ConsumerEvent.js';

export interface LeaseManagerOptions {
  readonly checkpointer: Checkpointer;
  readonly streamName: string;
  readonly workerId: string;
  readonly scheduler: SchedulerLike;
  readonly onEvent: (event: ConsumerEvent) => void;
  /** The lease of a shard was lost: the consumer must stop reading and writing it at once. */
  readonly onLost: (shardId: string, error: LeaseLostError) => void;
}

/**
 * The leases one consumer holds: acquired before a shard is read, renewed every third of the
 * lease duration, released when the shard ends or the consumer stops. Balancing leases between
 * workers builds on this class (which shards to try, which to give up).
 */
export class LeaseManager {
  private readonly leases = new Map<string, Lease>();
  private renewal: Subscription | undefined;
  private renewing = false;

  constructor(private readonly options: LeaseManagerOptions) {}

  /** The lease currently held for a shard. */
  get(shardId: string): Lease | undefined {
    return this.leases.get(shardId);
  }

  get heldShardIds(): string[] {
    return [...this.leases.keys()];
  }

  /** Takes the shard's lease; undefined if another live worker holds it. */
  async acquire(shardId: string): Promise<Lease | undefined> {
    const { checkpointer, streamName, workerId } = this.options;
    const lease = await checkpointer.acquireLease(streamName, shardId, workerId);
    if (lease === undefined) {
      this.options.onEvent({ type: 'lease-unavailable', shardId });
      return undefined;
    }
    this.leases.set(shardId, lease);
    this.options.onEvent({ type: 'lease-acquired', shardId });
    this.scheduleRenewal();
    return lease;
  }

  /** Forgets a lost lease without telling the checkpointer. */
  drop(shardId: string): void {
    this.leases.delete(shardId);
  }

  /** Gives a shard's lease up. */
  async release(shardId: string): Promise<void> {
    const lease = this.leases.get(shardId);
    if (lease === undefined) return;
    this.leases.delete(shardId);
    try {
      await this.options.checkpointer.releaseLease(lease);
      this.options.onEvent({ type: 'lease-released', shardId });
    } catch (error) {
      this.options.onEvent({
        type: 'error-retried',
        shardId,
        operation: 'releaseLease',
        error: classifyError(error),
        attempt: 1,
        delayMs: 0,
      });
    }
  }

  /** Stops renewing and releases every lease. */
  async releaseAll(): Promise<void> {
    this.renewal?.unsubscribe();
    this.renewal = undefined;
    await Promise.all(this.heldShardIds.map((shardId) => this.release(shardId)));
  }

  private scheduleRenewal(): void {
    if (this.renewal !== undefined) return;
    const period = Math.max(1, Math.floor(this.options.checkpointer.leaseDurationMs / 3));
    const renewAll = () => void this.renewAll();
    this.renewal = this.options.scheduler.schedule(function (this: SchedulerAction<undefined>) {
      renewAll();
      this.schedule(undefined, period);
    }, period);
  }

  private async renewAll(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      await Promise.all(
        [...this.leases.entries()].map(async ([shardId, lease]) => {
          try {
            const renewed = await this.options.checkpointer.renewLease(lease);
            if (this.leases.get(shardId) === lease) this.leases.set(shardId, renewed);
          } catch (error) {
            if (this.leases.get(shardId) !== lease) return;
            if (error instanceof LeaseLostError) {
              this.leases.delete(shardId);
              this.options.onEvent({ type: 'lease-lost', shardId, error });
              this.options.onLost(shardId, error);
            } else {
              this.options.onEvent({
                type: 'error-retried',
                shardId,
                operation: 'renewLease',
                error: classifyError(error),
                attempt: 1,
                delayMs: 0,
              });
            }
          }
        }),
      );
    } finally {
      this.renewing = false;
    }
  }
}
