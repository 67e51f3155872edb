import type { ChildShard } from '@aws-sdk/client-kinesis';
import type { Checkpointer, CheckpointPosition, Lease } from '../checkpointers/Checkpointer.js';
import { isLeaseCoordinator, type LeaseSnapshot } from '../checkpointers/LeaseCoordinator.js';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { CheckpointerHealth } from './CheckpointerHealth.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ConsumerEvent, ShardStartPosition } from './ConsumerEvent.js';
import type { PendingHandoff } from './HandoffDeadlines.js';
import type { InFlightGate } from './InFlightGate.js';
import type { LeaseManager } from './LeaseManager.js';
import type { ReadingSource, ReadingSourceFactory, ReadingSourceParams } from './ReadingSource.js';
import type { RecordFanOut } from './RecordFanOut.js';
import type { AssignmentHost } from './ShardAssignment.js';
import { newShardCounters, type ShardCounters } from './ShardCounters.js';
import type { ShardDirectory, StoredShard } from './ShardDirectory.js';
import { goneShardSource } from './goneShardSource.js';
import { ShardReading } from './ShardReading.js';
import type { ShardReadingHost } from './ShardReadingHost.js';
import { STALL_COOLDOWN_HEARTBEATS, StallCooldowns } from './StallCooldowns.js';

export interface ShardReadingsOptions {
  readonly options: ResolvedConsumerOptions;
  readonly checkpointer: Checkpointer;
  readonly leases: LeaseManager;
  readonly directory: ShardDirectory;
  readonly gate: InFlightGate;
  readonly fanOut: RecordFanOut;
  /** How a reading gets its shard's records (GetRecords polling by default; see pollingSource). */
  readonly source: ReadingSourceFactory;
  readonly health: CheckpointerHealth;
  readonly onEvent: (event: ConsumerEvent) => void;
  readonly running: () => boolean;
  /** A reading failed for good: the consumer errors. */
  readonly onError: (error: RxjsKinesisError) => void;
  /** A reading is over: run an assignment pass (after listing shards again when `relist`). */
  readonly onFinished: (relist: boolean) => void;
  /** Another worker leases shards this one does not know: list shards again. */
  readonly onStale: () => void;
  /** Calls `callback` after `ms` on the consumer's scheduler; returns a cancel function. */
  readonly timer: (ms: number, callback: () => void) => () => void;
}

/** Least time between two listings caused by a stale view of the shards. */
const STALE_REFRESH_MS = 2000;

/**
 * The consumer's readings, one per shard being read, and what the shard assignment asks of
 * them: which shards are open, start a leased shard from its stored position, hand one over.
 */
export class ShardReadings implements AssignmentHost {
  readonly readings = new Map<string, ShardReading>();
  readonly counters = new Map<string, ShardCounters>();
  private staleRefreshAt = Number.NEGATIVE_INFINITY;
  /** Leased shards waiting to be read (a takeover waiting out the previous owner's lease). */
  private readonly waiting = new Map<string, () => void>();
  /** Readings whose lease was lost while records of theirs were still in the pipeline. */
  private readonly lostHolding = new Set<ShardReading>();
  /** Positions finished but not written when a lease was lost: written when the lease comes back. */
  private readonly unwritten = new Map<string, CheckpointPosition>();
  /** Shards given up after stalled reads, left to other workers for a few heartbeats. */
  private readonly cooldowns: StallCooldowns;
  private readonly options: ResolvedConsumerOptions;
  private readonly checkpointer: Checkpointer;
  private readonly leases: LeaseManager;
  private readonly directory: ShardDirectory;
  private readonly streamName: string;
  /** config.source, ending (not failing) a reading whose shard was trimmed since the last listing. */
  private readonly source: ReadingSourceFactory;

  constructor(private readonly config: ShardReadingsOptions) {
    this.options = config.options;
    this.streamName = config.options.address.streamName;
    this.checkpointer = config.checkpointer;
    this.leases = config.leases;
    this.directory = config.directory;
    this.source = goneShardSource(config);
    const { checkpointer, options } = config;
    const heartbeatMs = isLeaseCoordinator(checkpointer) ? checkpointer.heartbeatIntervalMs : 0;
    this.cooldowns = new StallCooldowns(
      () => options.scheduler.now(),
      STALL_COOLDOWN_HEARTBEATS * heartbeatMs,
    );
  }

  /** Stops every reading (each writes its position and releases its lease). */
  stopAll(): Promise<void> {
    this.endWaits();
    return Promise.all([...this.readings.values()].map((reading) => reading.stop())).then(() => undefined);
  }

  /**
   * The consumer's stop ran past finalWritesTimeoutMs: ends every reading and wait now, whatever
   * they still had to write (see ShardReading.cutShort). Returns the shards whose finished
   * position was left unwritten.
   */
  cutShort(): string[] {
    this.endWaits();
    const unwritten: string[] = [];
    for (const reading of [...this.readings.values()])
      if (reading.cutShort()) unwritten.push(reading.shardId);
    return unwritten.sort();
  }

  /** Ends the takeovers' waits and gives back the budget records of lost leases still hold. */
  private endWaits(): void {
    for (const cancel of this.waiting.values()) cancel();
    this.waiting.clear();
    for (const reading of this.lostHolding) reading.settlement.releaseHeld();
    this.lostHolding.clear();
  }

  async openShards(snapshot?: LeaseSnapshot): Promise<string[]> {
    if (snapshot !== undefined) this.refreshIfStale(snapshot);
    return this.directory.openShards(this.storedLookup(snapshot));
  }

  activeShards(): ReadonlySet<string> {
    return new Set([...this.readings.keys(), ...this.waiting.keys()]);
  }

  async startReading(shardId: string, lease: Lease, waitMs = 0): Promise<void> {
    if (waitMs > 0) {
      // Held (and renewed) meanwhile; counted as active so it is not acquired twice.
      const cancel = this.config.timer(waitMs, () => {
        this.waiting.delete(shardId);
        this.startReading(shardId, lease).catch((error: unknown) => this.config.health.failed(error));
      });
      this.waiting.set(shardId, cancel);
      return;
    }
    const stored = this.storedLookup(undefined);
    const owned = () => this.config.running() && this.leases.get(shardId)?.token === lease.token;
    let start: ShardStartPosition | undefined;
    try {
      await this.writeUnwritten(shardId, lease);
      const own = await stored(shardId);
      if (own.checkpoint?.kind === 'shard-end') this.directory.markEnded(shardId);
      else if (owned()) start = await this.directory.startOf(shardId, stored);
    } catch (error) {
      await this.leases.release(shardId, undefined, lease.token);
      throw error;
    }
    if (start === undefined || !owned() || this.readings.has(shardId)) {
      await this.leases.release(shardId, undefined, lease.token);
      if (this.directory.isEnded(shardId)) this.config.onFinished(false);
      return;
    }
    const counters = this.counters.get(shardId) ?? newShardCounters();
    this.counters.set(shardId, counters);
    const reading = new ShardReading(shardId, lease.token, this.readingHost, counters, (callbacks) =>
      this.createSource(shardId, start, counters, callbacks),
    );
    if (start.resumeAfterSubSequenceNumber !== undefined && start.sequenceNumber !== undefined)
      this.config.fanOut.resumeAt.set(reading, {
        sequenceNumber: start.sequenceNumber,
        sub: start.resumeAfterSubSequenceNumber,
      });
    this.readings.set(shardId, reading);
    this.config.gate.sizeFor(this.readings.size);
    this.directory.markStarted(shardId, start);
    this.config.onEvent({
      type: 'shard-started',
      shardId,
      start,
      parentShardIds: this.directory.parentsOf(shardId),
    });
    reading.start();
  }

  /** Writes a position this worker finished but could not write before it lost the lease. */
  private async writeUnwritten(shardId: string, lease: Lease): Promise<void> {
    const position = this.unwritten.get(shardId);
    if (position === undefined) return;
    const current = this.leases.get(shardId) ?? lease;
    if (current.token !== lease.token) return;
    const stored = await this.checkpointer.checkpoint(current, position);
    this.config.onEvent({ type: stored ? 'checkpoint-written' : 'checkpoint-refused', shardId, position });
    this.unwritten.delete(shardId);
  }

  handOver(shardId: string, requester: string | undefined, request?: PendingHandoff): void {
    const limit =
      request === undefined
        ? undefined
        : {
            request: `${request.requester}\u0000${request.deadline}`,
            withdrawBy: request.localDeadline - this.withdrawalMarginMs,
          };
    void this.readings.get(shardId)?.handOver(requester ?? request?.requester, this.handoffDrainMs, limit);
  }

  /**
   * How long a handover waits for its records (one period: see ShardReading.handOver). With a
   * request pending, the wait also ends `withdrawalMarginMs` before the request's deadline.
   */
  private get handoffDrainMs(): number {
    const coordinator = isLeaseCoordinator(this.checkpointer) ? this.checkpointer : undefined;
    return coordinator === undefined
      ? 0
      : Math.max(
          coordinator.heartbeatIntervalMs,
          coordinator.handoffTimeoutMs - 2 * coordinator.heartbeatIntervalMs,
        );
  }

  /**
   * Time left, before a handoff request's deadline, for the owner's withdrawal to reach the
   * coordinator: one heartbeat interval (a whole balancing pass, several coordinator calls, is
   * meant to fit in one).
   */
  private get withdrawalMarginMs(): number {
    return isLeaseCoordinator(this.checkpointer) ? this.checkpointer.heartbeatIntervalMs : 0;
  }

  isCoolingDown(shardId: string): boolean {
    return this.cooldowns.has(shardId);
  }

  /** The shard's reads stalled here: leave it to other workers for a few heartbeats. */
  private markStalled(shardId: string): void {
    if (isLeaseCoordinator(this.checkpointer)) this.cooldowns.mark(shardId);
  }

  isHandingOver(shardId: string): boolean {
    return this.readings.get(shardId)?.state === 'releasing';
  }

  checkpointerFailed(error: unknown): void {
    if (this.config.running()) this.config.health.failed(error);
  }

  checkpointerOk(): void {
    this.config.health.ok();
  }

  private get readingHost(): ShardReadingHost {
    return {
      streamName: this.streamName,
      workerId: this.options.workerId,
      checkpointer: this.checkpointer,
      leases: this.leases,
      gate: this.config.gate,
      emit: (reading, records, page) => this.config.fanOut.emit(reading, records, page),
      onEvent: this.config.onEvent,
      onFinished: (reading, children) => this.onFinished(reading, children),
      onUnwritten: (shardId, position) => this.unwritten.set(shardId, position),
      withdrawHandoff: async (shardId, requester) => {
        if (!isLeaseCoordinator(this.checkpointer)) return;
        await this.checkpointer.cancelHandoff(this.streamName, shardId, requester).catch(() => false);
      },
      onError: (error) => this.config.onError(error),
      checkpointerOk: () => this.checkpointerOk(),
      checkpointerFailed: (error) => this.checkpointerFailed(error),
      handoffDrainMs: () => this.handoffDrainMs,
      now: () => this.options.scheduler.now(),
      onStalled: (shardId) => this.markStalled(shardId),
      timer: this.config.timer,
      childShardIdsOf: (shardId, named) => this.directory.childrenOf(shardId, named),
    };
  }

  private createSource(
    shardId: string,
    start: ShardStartPosition,
    counters: ShardCounters,
    callbacks: Pick<ReadingSourceParams, 'onRecords' | 'onEnd' | 'onError' | 'onStalled'>,
  ): ReadingSource {
    // Alone, a stalled shard has nobody to go to: its reads keep being retried (retryLimit).
    const { onStalled, ...always } = callbacks;
    return this.source({
      ...always,
      ...(isLeaseCoordinator(this.checkpointer) && onStalled !== undefined ? { onStalled } : {}),
      streamName: this.streamName,
      shardId,
      gate: this.config.gate,
      scheduler: this.options.scheduler,
      start: {
        iteratorType: start.iteratorType,
        ...(start.sequenceNumber === undefined ? {} : { sequenceNumber: start.sequenceNumber }),
        ...(start.timestamp === undefined ? {} : { timestamp: start.timestamp }),
      },
      fairShare: () => Math.ceil(this.config.gate.limit / Math.max(1, this.readings.size)),
      onPage: (page) => {
        counters.getRecordsCalls += 1;
        if (page.millisBehindLatest !== undefined) counters.millisBehindLatest = page.millisBehindLatest;
      },
      onEvent: (event) => {
        if (event.type === 'throttled') counters.throttles += 1;
        this.config.onEvent(event);
      },
    });
  }

  private onFinished(reading: ShardReading, children: readonly ChildShard[]): void {
    const { shardId } = reading;
    if (this.readings.get(shardId) === reading) this.readings.delete(shardId);
    // A lost lease's records still in the pipeline hold their budget a while (see releaseHeld).
    for (const held of this.lostHolding) if (!held.settlement.holding) this.lostHolding.delete(held);
    if (reading.state === 'lost') this.lostHolding.add(reading);
    this.config.gate.sizeFor(this.readings.size);
    let relist = false;
    if (reading.state === 'ended') {
      this.directory.markEnded(shardId);
      const named = children.map((child) => child.ShardId ?? '').filter((id) => id !== '');
      this.config.onEvent({
        type: 'shard-ended',
        shardId,
        childShardIds: this.directory.childrenOf(shardId, named),
      });
      relist = this.directory.isStale(shardId, named);
    }
    if (this.config.running()) this.config.onFinished(relist);
  }

  /** What the group stored for a shard: from a lease snapshot, else read (once per call) from the checkpointer. */
  private storedLookup(snapshot: LeaseSnapshot | undefined): (shardId: string) => Promise<StoredShard> {
    if (snapshot !== undefined) {
      const byShard = new Map(snapshot.leases.map((lease) => [lease.shardId, lease]));
      return (shardId) => {
        const lease = byShard.get(shardId);
        const leased =
          lease?.owner !== undefined &&
          lease.owner !== this.options.workerId &&
          (lease.expiresAt ?? 0) > snapshot.now;
        return Promise.resolve({ checkpoint: lease?.checkpoint, leased });
      };
    }
    const cache = new Map<string, Promise<StoredShard>>();
    return (shardId) => {
      let stored = cache.get(shardId);
      if (stored === undefined) {
        stored = this.checkpointer
          .getCheckpoint(this.streamName, shardId)
          .then((checkpoint) => ({ checkpoint }));
        cache.set(shardId, stored);
      }
      return stored;
    };
  }

  /** Leases of shards not known here (a reshard another worker followed): list again, once per shard. */
  private refreshIfStale(snapshot: LeaseSnapshot): void {
    const now = this.options.scheduler.now();
    if (this.directory.listing || now - this.staleRefreshAt < STALE_REFRESH_MS) return;
    const unknown = snapshot.leases.map((lease) => lease.shardId).filter((id) => !this.directory.has(id));
    if (unknown.length === 0 || !this.directory.newlyUnknown(unknown)) return;
    this.staleRefreshAt = now;
    this.config.onStale();
  }
}
