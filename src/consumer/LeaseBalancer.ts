import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { LeaseCoordinator, LeaseSnapshot } from '../checkpointers/LeaseCoordinator.js';
import { planLeaseBalance, type LeaseBalancePlan } from '../checkpointers/planLeaseBalance.js';
import { classifyError } from '../kinesis/classifyError.js';
import { HandoffDeadlines } from './HandoffDeadlines.js';
import { leaveGroupRetried } from './LeaseBalancerLeave.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { LeaseManager } from './LeaseManager.js';
import type { AssignmentHost, ShardAssignment } from './ShardAssignment.js';
import { SerialPasses } from './SerialPasses.js';

export interface LeaseBalancerOptions {
  readonly coordinator: LeaseCoordinator;
  readonly streamName: string;
  readonly workerId: string;
  readonly scheduler: SchedulerLike;
  /** Most shards this worker holds (MAX_SAFE_INTEGER: no limit). */
  readonly maxShardConsumers: number;
  /** Extra wait after a taken-over owner's lease ran out, for records its handler still holds. */
  readonly takeoverGraceMs: number;
  readonly leases: LeaseManager;
  readonly host: AssignmentHost;
  readonly onEvent: (event: ConsumerEvent) => void;
}

/**
 * Shares a stream's shards among the workers of a consumer group through a LeaseCoordinator.
 * Every heartbeat (and when asked, e.g. after shard discovery) it runs one balancing pass:
 *
 * 1. heartbeat (publishing maxShardConsumers, so the others leave this worker no more), then
 *    one lease snapshot;
 * 2. planLeaseBalance() for this worker;
 * 3. give up the shards above maxShardConsumers, hand over the shards other workers asked for
 *    (when that evens the load; the handover stops waiting for its records, and withdraws the
 *    request, safely before the request's deadline: see HandoffDeadlines), acquire free /
 *    expired / reserved shards up to its share (the caps the other workers published counted),
 *    take over shards whose handoff deadline passed, ask the busiest worker for one shard, and
 *    withdraw requests no longer needed.
 *
 * A failing pass (Redis down, ...) becomes an error-retried event and is tried again at the
 * next heartbeat; the consumer keeps running and keeps trying to re-acquire its share.
 */
export class LeaseBalancer implements ShardAssignment {
  private timer: Subscription | undefined;
  private running = false;
  private readonly passes = new SerialPasses(
    () => this.pass(),
    () => this.running,
  );
  private failures = 0;
  /** A heartbeat of this worker has been answered: it may have an item in the group to leave. */
  private joined = false;
  /** When (scheduler time) the last answered heartbeat runs out: leaving is retried until then. */
  private liveUntil = -Infinity;
  /** Aborted by stop(): tells the coordinator to end a heartbeat that still waits (see stop()). */
  private stopping = new AbortController();
  private lastRebalance = '';
  private snapshot: LeaseSnapshot | undefined;
  /**
   * Shards this worker asked for by a handoff request, not withdrawn or acquired since: on leaving,
   * their requests (and the reservations an owner made for it) are withdrawn.
   */
  private readonly requested = new Set<string>();
  /** The snapshots' handoff requests, with their deadlines on this process's clock. */
  private readonly handoffs: HandoffDeadlines;

  constructor(private readonly options: LeaseBalancerOptions) {
    this.handoffs = new HandoffDeadlines(options.coordinator.handoffTimeoutMs);
  }

  /** The last lease snapshot read, if any. */
  get lastSnapshot(): LeaseSnapshot | undefined {
    return this.snapshot;
  }

  /** Starts the heartbeat loop; the first pass runs at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    const period = this.options.coordinator.heartbeatIntervalMs;
    const trigger = () => this.trigger();
    this.timer = this.options.scheduler.schedule(function (this: SchedulerAction<undefined>) {
      trigger();
      this.schedule(undefined, period);
    }, period);
    this.trigger();
  }

  /** Runs a balancing pass soon (one at a time; a request during a pass runs one more after it). */
  trigger(): void {
    this.passes.trigger();
  }

  /**
   * Stops the loop and waits for the pass under way. A heartbeat still waiting (a first start's
   * lease table being created, a store slow to answer) is told to end through its `signal`, so
   * the stop is prompt and nothing it started runs on after it: a heartbeat abandoned instead
   * could land after the leave and write this worker's item again.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.stopping.abort(new Error('the consumer is stopping'));
    await this.passes.settled();
  }

  /** Who asked for this shard, per the last snapshot (to hand it over when leaving). */
  requesterOf(shardId: string): string | undefined {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return undefined;
    const lease = snapshot.leases.find((state) => state.shardId === shardId);
    const requester = lease?.handoff?.requester;
    return requester !== undefined && snapshot.liveWorkers.includes(requester) ? requester : undefined;
  }

  /**
   * Leaves the group (after the leases were released), then withdraws the handoff requests this
   * worker made and the reservations owners made for it: a lease released for a worker that left
   * would otherwise stay unread until the reservation ran out. Leaving first, so no owner reserves
   * a lease for it afterwards (a release reserves only for a live requester). A failed leave is
   * retried with back-off while this worker's last heartbeat lasts (see leaveGroupRetried), until
   * `signal` aborts (the stop's final writes ran out of time: the wait under way ends with it).
   * Never rejects.
   */
  async leave(signal?: AbortSignal): Promise<void> {
    const { coordinator, streamName, workerId, onEvent } = this.options;
    // No heartbeat answered: no item of this worker is known to leave (one that lands later
    // is judged gone one failover time after, as a stopped worker's is).
    if (this.joined) {
      const liveUntil = this.liveUntil;
      const left = await leaveGroupRetried({ ...this.options, liveUntil, signal });
      if (!left) return;
    }
    try {
      for (const shardId of [...this.requested]) {
        if (signal?.aborted === true) return;
        await coordinator.cancelHandoff(streamName, shardId, workerId);
        this.requested.delete(shardId);
      }
    } catch (error) {
      onEvent({
        type: 'error-retried',
        operation: 'cancelHandoff',
        error: classifyError(error),
        attempt: 1,
        delayMs: 0,
      });
    }
  }

  private async pass(): Promise<void> {
    const { coordinator, streamName, workerId } = this.options;
    let operation = 'heartbeat';
    const startedAt = this.options.scheduler.now();
    const signal = this.stopping.signal;
    try {
      const cap = this.options.maxShardConsumers;
      const expiresAt = await coordinator.heartbeat(
        streamName,
        workerId,
        cap < Number.MAX_SAFE_INTEGER ? { maxShardConsumers: cap, signal } : { signal },
      );
      this.joined = true;
      // How long this heartbeat keeps the worker live (leaving is retried until then): the lease
      // duration from its send, or, once a snapshot tells the coordinator's clock, its expiry.
      const liveBefore = this.liveUntil;
      this.liveUntil = Math.max(liveBefore, startedAt + coordinator.leaseDurationMs);
      if (!this.running) return;
      operation = 'leaseSnapshot';
      const sentAt = this.options.scheduler.now();
      const snapshot = await coordinator.leaseSnapshot(streamName);
      if (Number.isFinite(expiresAt))
        this.liveUntil = Math.max(liveBefore, sentAt + (expiresAt - snapshot.now));
      if (!this.running) return;
      this.snapshot = snapshot;
      this.handoffs.observe(snapshot, sentAt);
      const plan = planLeaseBalance({
        workerId,
        openShards: await this.options.host.openShards(snapshot),
        leases: snapshot.leases,
        liveWorkers: snapshot.liveWorkers,
        now: snapshot.now,
        maxShardConsumers: this.options.maxShardConsumers,
        ...(snapshot.workerCaps !== undefined ? { workerCaps: snapshot.workerCaps } : {}),
      });
      this.report(plan, snapshot);
      operation = 'balance';
      await this.act(plan, snapshot, startedAt, (name) => {
        operation = name;
      });
      this.failures = 0;
      this.options.host.checkpointerOk();
    } catch (error) {
      // A heartbeat the stop ended: nothing to report to a consumer that stopped.
      if (operation === 'heartbeat' && signal.aborted) return;
      this.failures += 1;
      this.options.host.checkpointerFailed(error);
      this.options.onEvent({
        type: 'error-retried',
        operation,
        error: classifyError(error),
        attempt: this.failures,
        delayMs: coordinator.heartbeatIntervalMs,
      });
    }
  }

  /**
   * A shard taken over from a live owner (it did not hand it over in time) is read only once that
   * owner's lease has run out, when it has surely stopped emitting, plus `takeoverGraceMs` for
   * the records its handler still holds. So is a shard whose lease ran out without a release
   * (its owner crashed, stalled or lost Redis): that owner stopped emitting at its deadline, but
   * its handler may still be at work.
   */
  private takeoverWaitMs(shardId: string, plan: LeaseBalancePlan, snapshot: LeaseSnapshot): number {
    const previous = snapshot.leases.find((lease) => lease.shardId === shardId);
    if (!plan.takeOver.includes(shardId))
      return previous?.lapsedOwner !== undefined ? this.options.takeoverGraceMs : 0;
    const remaining = Math.max(0, (previous?.expiresAt ?? snapshot.now) - snapshot.now);
    return remaining + this.options.takeoverGraceMs;
  }

  private report(plan: LeaseBalancePlan, snapshot: LeaseSnapshot): void {
    const key = `${plan.target}|${plan.held.join(',')}|${snapshot.liveWorkers.join(',')}`;
    if (key === this.lastRebalance) return;
    this.lastRebalance = key;
    this.options.onEvent({
      type: 'rebalance',
      target: plan.target,
      held: plan.held,
      liveWorkers: snapshot.liveWorkers,
    });
  }

  private async act(
    plan: LeaseBalancePlan,
    snapshot: LeaseSnapshot,
    startedAt: number,
    step: (operation: string) => void,
  ): Promise<void> {
    const { coordinator, streamName, workerId, leases, host } = this.options;
    for (const shardId of plan.release) host.handOver(shardId, undefined);
    for (const { shardId, requester } of plan.handOver)
      host.handOver(shardId, requester, this.handoffs.of(shardId));
    // A shard already being given up (stalled reads, or above the cap) that a live worker asked
    // for: its handover withdraws that request too before the deadline, unless drained first.
    // Not one whose requester is gone: the release would reserve the shard for nobody.
    for (const shardId of plan.held) {
      const request = this.handoffs.of(shardId);
      if (
        request !== undefined &&
        snapshot.liveWorkers.includes(request.requester) &&
        host.isHandingOver(shardId) &&
        !plan.handOver.some((h) => h.shardId === shardId)
      )
        host.handOver(shardId, request.requester, request);
    }

    // Shards the coordinator says are ours but this worker does not read: its local deadline
    // passed while the lease lived on (acquireLease refuses a live lease whoever asks, so it is
    // taken back, from the checkpoint, once it expired), or another instance started with the
    // same worker id holds them (refused, reported once as lease-unavailable 'same-worker-id').
    // Not those released since the pass started: a release that ended after that may have
    // landed after the snapshot was read, which then still shows the lease as ours.
    const releasedSince = (shardId: string) => (leases.lastReleasedAt(shardId) ?? -Infinity) >= startedAt;
    const toAcquire = [
      ...plan.held.filter(
        (shardId) =>
          leases.get(shardId) === undefined && !host.isHandingOver(shardId) && !releasedSince(shardId),
      ),
      ...plan.acquire.filter((shardId) => !host.isCoolingDown(shardId)),
      ...plan.takeOver,
    ];
    step('acquireLease');
    for (const shardId of toAcquire) {
      if (!this.running) return;
      if (leases.get(shardId) !== undefined) continue;
      const lease = await leases.acquire(shardId, ownerIn(snapshot, shardId));
      if (lease === undefined) continue;
      this.requested.delete(shardId);
      await host.startReading(shardId, lease, this.takeoverWaitMs(shardId, plan, snapshot));
    }

    const request = plan.requestHandoff;
    if (request !== undefined && this.running) {
      step('requestHandoff');
      const result = await coordinator.requestHandoff(streamName, request.shardId, workerId);
      if (result.status === 'requested' || result.status === 'already-requested')
        this.requested.add(request.shardId);
      if (result.status === 'requested')
        this.options.onEvent({
          type: 'handoff-requested',
          shardId: request.shardId,
          owner: result.owner,
          deadline: result.deadline,
        });
      else if (result.status === 'free' && this.running) {
        step('acquireLease');
        const lease = await leases.acquire(request.shardId);
        // Its owner, live in the snapshot, let the lease run out since (or gave it up): as after
        // any lapsed lease, its handler may still hold records of the shard.
        if (lease !== undefined)
          await host.startReading(request.shardId, lease, this.options.takeoverGraceMs);
      }
    }

    if (plan.withdraw.length > 0) step('cancelHandoff');
    for (const shardId of plan.withdraw) {
      await coordinator.cancelHandoff(streamName, shardId, workerId);
      this.requested.delete(shardId);
    }
  }
}

/** The live owner of a shard's lease in a snapshot, if any. */
function ownerIn(snapshot: LeaseSnapshot, shardId: string): string | undefined {
  return snapshot.leases.find((lease) => lease.shardId === shardId)?.owner;
}
