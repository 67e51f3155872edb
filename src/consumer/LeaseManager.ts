import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { Checkpointer, Lease, ShardLineage } from '../checkpointers/Checkpointer.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import type { LeaseCoordinator } from '../checkpointers/LeaseCoordinator.js';
import { classifyError } from '../kinesis/classifyError.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { HeldLease } from './HeldLease.js';
import { LeaseExpiry } from './LeaseExpiry.js';
import { LeaseUnavailableReports } from './LeaseUnavailableReports.js';
import { NOT_RELEASED, releasedOutcome, type LeaseReleaseOutcome } from './LeaseReleaseOutcome.js';
import { renewalPeriod } from './renewalPeriod.js';

export interface LeaseManagerOptions {
  readonly checkpointer: Checkpointer;
  /**
   * Set when the checkpointer is shared by several processes. Leases are then renewed every
   * heartbeat and released with handoffs.
   */
  readonly coordinator?: LeaseCoordinator;
  readonly streamName: string;
  readonly workerId: string;
  readonly scheduler: SchedulerLike;
  readonly onEvent: (event: ConsumerEvent) => void;
  /** The lease of a shard was lost: the consumer must stop reading and writing it at once. */
  readonly onLost: (shardId: string, error: LeaseLostError) => void;
  /** Told each renewal's outcome (a lost lease aside): the consumer's CheckpointerHealth. */
  readonly health?: { ok(): void; failed(error: unknown): void };
  /** What is known of a shard's lineage, passed to acquireLease for checkpointers that store it. */
  readonly lineageOf?: (shardId: string) => ShardLineage | undefined;
}

/**
 * The leases one consumer holds: acquired before a shard is read, renewed every third of the
 * lease duration (every heartbeat with a LeaseCoordinator), released when the shard ends, is
 * handed over, or the consumer stops. The LeaseBalancer decides which shards to hold.
 *
 * Whatever the checkpointer, a lease counts as lost once its deadline passes without a confirmed
 * renewal: the deadline is the time the last successful renewal was *sent* plus the lease
 * duration, so it falls before the server-side expiry whatever the network or Redis did, and an
 * event loop that stalled past it finds the lease gone when it wakes up. It is also counted by
 * the scheduler's timers from that send (LeaseExpiry), so a wall clock set back does not push it.
 */
export class LeaseManager {
  private readonly held = new Map<string, HeldLease>();
  /** Per shard, when its last release on purpose ended (Infinity while one is under way). */
  private readonly releasedAt = new Map<string, number>();
  private readonly lostAt = new Map<string, number>();
  private renewal: Subscription | undefined;
  private closed = false;
  /** Acquisitions under way, with their shard. */
  private readonly acquiring = new Map<Promise<unknown>, string>();
  /** Shards whose release is under way. */
  private readonly releasing = new Set<string>();
  private readonly unavailable: LeaseUnavailableReports;
  /** Every lease expiry with a timer pending: held leases', and those of calls under way. */
  private readonly timing = new Set<LeaseExpiry>();
  /** How often leases are renewed: a third of the lease duration (at most one heartbeat). */
  readonly renewalPeriodMs: number;

  constructor(private readonly options: LeaseManagerOptions) {
    this.unavailable = new LeaseUnavailableReports(options.workerId, options.onEvent);
    this.renewalPeriodMs = renewalPeriod(this.durationMs, options.coordinator?.heartbeatIntervalMs);
  }

  private get durationMs(): number {
    return this.options.checkpointer.leaseDurationMs;
  }

  /**
   * The lease currently held for a shard. A lease whose deadline passed is declared lost here (lease-lost, onLost) and undefined is returned.
   */
  get(shardId: string): Lease | undefined {
    const entry = this.held.get(shardId);
    if (entry === undefined) return undefined;
    if (this.options.scheduler.now() >= entry.deadline) {
      this.lose(shardId, entry);
      return undefined;
    }
    return entry.lease;
  }

  get heldShardIds(): string[] {
    return [...this.held.keys()];
  }

  /**
   * True for a lease lost less than one lease duration ago: a single-process worker whose
   * renewals failed must not take it straight back (the store may still show it as its own),
   * so another worker can take it over.
   */
  recentlyLost(shardId: string): boolean {
    const at = this.lostAt.get(shardId);
    if (at === undefined) return false;
    const now = this.options.scheduler.now();
    // A wall clock set back: one lease duration from now, not from the time it went back.
    if (at > now) this.lostAt.set(shardId, now);
    return now - Math.min(at, now) < this.durationMs;
  }

  /**
   * Local time the shard's last release on purpose (release / releaseAll) ended, answered or
   * failed; Infinity while one is under way. A release that had not ended when a lease snapshot
   * was read may not show in it.
   */
  lastReleasedAt(shardId: string): number | undefined {
    return this.releasedAt.get(shardId);
  }

  /** Forgets shards gone from the stream (`gone`) whose lease it neither holds nor is releasing. */
  forgetGone(gone: (shardId: string) => boolean): void {
    for (const kept of [this.releasedAt, this.lostAt, this.unavailable.sameIdReported])
      for (const shardId of kept.keys())
        if (gone(shardId) && !this.held.has(shardId) && !this.releasing.has(shardId)) kept.delete(shardId);
  }

  /**
   * Takes the shard's lease; undefined if anyone holds it live (another worker, or another
   * instance with this worker id), or if the manager was closed meanwhile (the lease is then
   * released at once: nothing is left running). `knownHolder`: the live owner a lease snapshot
   * showed, named in the lease-unavailable event.
   */
  acquire(shardId: string, knownHolder?: string): Promise<Lease | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const work = this.acquireOnce(shardId, knownHolder);
    this.acquiring.set(work, shardId);
    void work.then(
      () => this.acquiring.delete(work),
      () => this.acquiring.delete(work),
    );
    return work;
  }

  private async acquireOnce(shardId: string, knownHolder: string | undefined): Promise<Lease | undefined> {
    const { checkpointer, streamName, workerId, scheduler } = this.options;
    const sentAt = scheduler.now();
    const expiry = new LeaseExpiry(scheduler, this.durationMs, this.timing);
    const lineage = this.options.lineageOf?.(shardId);
    const lease = await (
      lineage === undefined
        ? checkpointer.acquireLease(streamName, shardId, workerId)
        : checkpointer.acquireLease(streamName, shardId, workerId, lineage)
    ).catch((error: unknown) => {
      expiry.cancel();
      throw error;
    });
    if (lease === undefined || this.closed) expiry.cancel();
    if (lease !== undefined && this.closed) {
      await checkpointer.releaseLease(lease).catch(() => undefined);
      return undefined;
    }
    if (lease === undefined) {
      this.unavailable.refused(shardId, knownHolder);
      return undefined;
    }
    this.unavailable.acquired(shardId);
    // A lease of the shard still held here (its loss not noticed yet, e.g. a stalled event loop)
    // was given out again under the new token: it is lost, and reported so before the new one.
    const previous = this.held.get(shardId);
    if (previous !== undefined) this.lose(shardId, previous);
    const entry: HeldLease = {
      lease,
      deadline: sentAt + this.durationMs,
      expiry,
      renewing: false,
      lastError: undefined,
    };
    this.held.set(shardId, entry);
    this.arm(shardId, entry);
    this.options.onEvent({ type: 'lease-acquired', shardId });
    this.scheduleRenewal();
    return lease;
  }

  /** Forgets a lost lease without telling the checkpointer (only that token's, when given). */
  drop(shardId: string, token?: string): void {
    const entry = this.held.get(shardId);
    if (entry === undefined || (token !== undefined && entry.lease.token !== token)) return;
    entry.expiry.cancel();
    this.held.delete(shardId);
  }

  /**
   * A write through the lease found it gone (LeaseLostError): forgets it and reports lease-lost,
   * unless that lease (`token`) is no longer held, its loss or release already reported: every
   * lease-acquired ends with exactly one lease-lost or lease-released.
   */
  reportLost(shardId: string, token: string, error: LeaseLostError): void {
    const entry = this.held.get(shardId);
    if (entry === undefined || entry.lease.token !== token) return;
    this.drop(shardId);
    this.options.onEvent({ type: 'lease-lost', shardId, error });
  }

  /**
   * Gives a shard's lease up; with a coordinator, `handoffTo` reserves it for that worker if the
   * store finds it live (the outcome says whether it did, when the coordinator tells). Never
   * rejects: a failure becomes an error-retried event, and the lease-released that closes the
   * lease carries the error (the lease then runs out on its own).
   */
  async release(shardId: string, handoffTo?: string, token?: string): Promise<LeaseReleaseOutcome> {
    const entry = this.held.get(shardId);
    if (entry === undefined || (token !== undefined && entry.lease.token !== token)) return NOT_RELEASED;
    this.drop(shardId);
    this.releasedAt.set(shardId, Number.POSITIVE_INFINITY);
    this.releasing.add(shardId);
    try {
      const { coordinator } = this.options;
      const result: unknown = await (coordinator !== undefined
        ? coordinator.releaseLease(entry.lease, handoffTo === undefined ? {} : { handoffTo })
        : this.options.checkpointer.releaseLease(entry.lease));
      this.options.onEvent({ type: 'lease-released', shardId });
      return releasedOutcome(result, handoffTo);
    } catch (error) {
      const classified = classifyError(error);
      this.options.onEvent({
        type: 'error-retried',
        shardId,
        operation: 'releaseLease',
        error: classified,
        attempt: 1,
        delayMs: 0,
      });
      this.options.onEvent({ type: 'lease-released', shardId, error: classified });
      return NOT_RELEASED;
    } finally {
      this.releasing.delete(shardId);
      this.releasedAt.set(shardId, this.options.scheduler.now());
    }
  }

  /**
   * Closes the manager: waits for acquisitions under way (a lease they get is released), stops
   * renewing and releases every lease (each to `handoffTo(shardId)`, if any).
   */
  async releaseAll(handoffTo: (shardId: string) => string | undefined = () => undefined): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.acquiring.keys()]);
    this.renewal?.unsubscribe();
    this.renewal = undefined;
    await Promise.all(this.heldShardIds.map((shardId) => this.release(shardId, handoffTo(shardId))));
  }

  /**
   * The consumer's stop ran out of time (finalWritesTimeoutMs): closes the manager, stops renewing
   * and watching every lease and forgets them, without a word to the checkpointer (the calls under
   * way are left unanswered: see CheckpointerFence). Returns the shards whose lease was not
   * released: held, or being acquired or released; each runs out after the lease duration.
   */
  abandon(): string[] {
    this.closed = true;
    this.renewal?.unsubscribe();
    this.renewal = undefined;
    const unreleased = new Set([...this.held.keys(), ...this.releasing, ...this.acquiring.values()]);
    // The expiries of calls under way too: their answers never come (see CheckpointerFence).
    LeaseExpiry.cancelAll(this.timing);
    this.held.clear();
    return [...unreleased].sort();
  }

  private scheduleRenewal(): void {
    if (this.renewal !== undefined) return;
    const period = this.renewalPeriodMs;
    const renewAll = () => this.renewAll();
    this.renewal = this.options.scheduler.schedule(function (this: SchedulerAction<undefined>) {
      renewAll();
      this.schedule(undefined, period);
    }, period);
  }

  private renewAll(): void {
    for (const [shardId, entry] of this.held) {
      if (entry.renewing) continue;
      if (this.options.scheduler.now() >= entry.deadline) {
        this.lose(shardId, entry);
        continue;
      }
      void this.renew(shardId, entry);
    }
  }

  private async renew(shardId: string, entry: HeldLease): Promise<void> {
    entry.renewing = true;
    const sentAt = this.options.scheduler.now();
    const expiry = new LeaseExpiry(this.options.scheduler, this.durationMs, this.timing);
    try {
      const renewed = await this.options.checkpointer.renewLease(entry.lease).catch((error: unknown) => {
        expiry.cancel();
        throw error;
      });
      if (this.held.get(shardId) !== entry) {
        expiry.cancel();
        return;
      }
      if (this.options.scheduler.now() >= entry.deadline || entry.expiry.expired) {
        // Confirmed too late: the shard may already have been given up; treat it as lost.
        expiry.cancel();
        this.lose(shardId, entry);
        return;
      }
      entry.lease = renewed;
      entry.deadline = sentAt + this.durationMs;
      entry.lastError = undefined;
      entry.expiry.cancel();
      entry.expiry = expiry;
      this.options.health?.ok();
      this.arm(shardId, entry);
    } catch (error) {
      if (this.held.get(shardId) !== entry) return;
      if (error instanceof LeaseLostError) {
        this.drop(shardId);
        this.lostAt.set(shardId, this.options.scheduler.now());
        this.options.onEvent({ type: 'lease-lost', shardId, error });
        this.options.onLost(shardId, error);
      } else {
        entry.lastError = error;
        this.options.health?.failed(error);
        this.options.onEvent({
          type: 'error-retried',
          shardId,
          operation: 'renewLease',
          error: classifyError(error),
          attempt: 1,
          delayMs: 0,
        });
      }
    } finally {
      entry.renewing = false;
    }
  }

  /** Declares the lease lost once its expiry (LeaseExpiry) ran out without a renewal. */
  private arm(shardId: string, entry: HeldLease): void {
    entry.expiry.whenExpired(() => this.lose(shardId, entry));
  }

  private lose(shardId: string, entry: HeldLease): void {
    if (this.held.get(shardId) !== entry) return;
    this.drop(shardId);
    this.lostAt.set(shardId, this.options.scheduler.now());
    const error = new LeaseLostError({
      streamName: this.options.streamName,
      shardId,
      expectedOwner: this.options.workerId,
      cause: entry.lastError,
    });
    this.options.onEvent({ type: 'lease-lost', shardId, error });
    this.options.onLost(shardId, error);
  }
}
