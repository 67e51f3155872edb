import type { ChildShard, KinesisClient } from '@aws-sdk/client-kinesis';
import type { SchedulerAction, Subscriber, Subscription } from 'rxjs';
import type { Checkpointer, Lease } from '../checkpointers/Checkpointer.js';
import { isLeaseCoordinator, type LeaseSnapshot } from '../checkpointers/LeaseCoordinator.js';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { classifyError } from '../kinesis/classifyError.js';
import { createKinesisClient } from '../kinesis/createKinesisClient.js';
import { ensureStream } from '../kinesis/ensureStream.js';
import { buildStats } from './buildStats.js';
import { CheckpointerHealth } from './CheckpointerHealth.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ConsumerEvent, ShardStartPosition } from './ConsumerEvent.js';
import type { CheckpointSink } from './ConsumerLink.js';
import type { ConsumerStats } from './ConsumerStats.js';
import { CheckpointerUnavailableError } from './errors/CheckpointerUnavailableError.js';
import { InFlightGate } from './InFlightGate.js';
import type { KinesisRecord } from './KinesisRecord.js';
import { LeaseBalancer } from './LeaseBalancer.js';
import { LeaseManager } from './LeaseManager.js';
import { LocalAssignment } from './LocalAssignment.js';
import { RecordFanOut } from './RecordFanOut.js';
import type { AssignmentHost, ShardAssignment } from './ShardAssignment.js';
import { newShardCounters, type ShardCounters } from './ShardCounters.js';
import { ShardDirectory, type StoredShard } from './ShardDirectory.js';
import { ShardPoller } from './ShardPoller.js';
import { createShardReader, type ShardReader } from './ShardReader.js';
import { ShardReading, type ShardReadingHost } from './ShardReading.js';
import type { ReadingSource, ReadingSourceParams } from './ReadingSource.js';

/** Least time between two listings caused by a stale view of the shards. */
const STALE_REFRESH_MS = 2000;

export interface KinesisConsumerOptions {
  readonly options: ResolvedConsumerOptions;
  readonly checkpointer: Checkpointer;
  /** Records stay in flight until every subscriber that received them settled them. */
  readonly tracked: boolean;
  readonly onEvent: (event: ConsumerEvent) => void;
  /** Every record, for passive observers (observe()). */
  readonly tap: (record: KinesisRecord) => void;
  /** Data-plane calls; default: a ShardReader over the consumer's KinesisClient. */
  readonly reader?: ShardReader;
}

/**
 * One run of a fromKinesis() consumer: a thin coordinator that starts the shard directory, the
 * shard assignment and one ShardReading per leased shard, fans records out to the subscribers
 * (RecordFanOut), and whose stop() waits for everything it started: passes, readings (their
 * last writes), lease releases, group leave.
 */
export class KinesisConsumer implements AssignmentHost {
  readonly checkpointer: Checkpointer;
  private readonly options: ResolvedConsumerOptions;
  private readonly streamName: string;
  private readonly client: KinesisClient;
  private readonly reader: ShardReader;
  private readonly gate: InFlightGate;
  private readonly leases: LeaseManager;
  private readonly directory: ShardDirectory;
  private readonly assignment: ShardAssignment;
  private readonly fanOut: RecordFanOut;
  private readonly health: CheckpointerHealth;
  private readonly readings = new Map<string, ShardReading>();
  private readonly counters = new Map<string, ShardCounters>();
  private readonly emitEvent: (event: ConsumerEvent) => void;
  private running = false;
  private stopping: Promise<void> | undefined;
  private refreshTimer: Subscription | undefined;
  private staleRefreshAt = Number.NEGATIVE_INFINITY;
  private behind = false;
  private resolveStopped: () => void = () => undefined;
  /** Resolves once this run stopped: last checkpoints written, leases released, group left. */
  readonly stopped: Promise<void>;

  constructor(config: KinesisConsumerOptions) {
    const { options } = config;
    this.options = options;
    this.streamName = options.address.streamName;
    this.checkpointer = config.checkpointer;
    this.emitEvent = config.onEvent;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    const region = options.region ?? options.address.region;
    this.client = createKinesisClient({
      ...(options.client === undefined ? {} : { client: options.client }),
      ...(region ? { region } : {}),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    });
    this.reader = config.reader ?? createShardReader(this.client, options.address);
    this.gate = new InFlightGate({
      records: options.maxQueueSize,
      items: options.maxQueueItems,
      bytes: options.maxQueueBytes,
    });
    if (config.tracked) this.gate.onFull = () => this.reportBehind();
    const coordinator = isLeaseCoordinator(this.checkpointer) ? this.checkpointer : undefined;
    const common = { streamName: this.streamName, workerId: options.workerId, scheduler: options.scheduler };
    this.leases = new LeaseManager({
      ...common,
      checkpointer: this.checkpointer,
      ...(coordinator === undefined ? {} : { coordinator }),
      onEvent: this.emitEvent,
      onLost: (shardId) => {
        this.readings.get(shardId)?.leaseLost();
        this.assignment.trigger();
      },
    });
    this.directory = new ShardDirectory(this.client, options, this.emitEvent, (ms) => this.delay(ms));
    const assignment = { leases: this.leases, host: this as AssignmentHost, onEvent: this.emitEvent };
    this.assignment =
      coordinator === undefined
        ? new LocalAssignment({
            ...assignment,
            scheduler: options.scheduler,
            maxShardConsumers: options.maxShardConsumers,
            retryMs: Math.min(options.shardRefreshInterval, 1000),
          })
        : new LeaseBalancer({
            ...common,
            ...assignment,
            coordinator,
            maxShardConsumers: options.maxShardConsumers,
          });
    this.fanOut = new RecordFanOut(
      config.tracked,
      this.streamName,
      options.processor,
      this.gate,
      options.scheduler,
      config.tap,
    );
    this.health = new CheckpointerHealth(options.checkpointerTimeoutMs, options.scheduler, (cause) =>
      this.fail(
        new CheckpointerUnavailableError(
          this.checkpointer.name,
          options.checkpointerTimeoutMs,
          cause,
          this.streamName,
        ),
      ),
    );
  }

  get isRunning(): boolean {
    return this.running;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Adds a direct subscriber (the first one starts the run, after `after`); returns its ledger id. */
  addSubscriber(
    subscriber: Subscriber<KinesisRecord>,
    sink: CheckpointSink | undefined,
    after: Promise<void>,
  ): number {
    const id = this.fanOut.add(subscriber, sink);
    if (!this.running && this.stopping === undefined) this.start(after);
    return id;
  }

  /** Removes a direct subscriber (its claims on records are released); the last one stops the run. */
  removeSubscriber(subscriber: Subscriber<KinesisRecord>, ledgerId: number): void {
    if (this.fanOut.remove(subscriber, ledgerId, this.readings.values())) void this.stop();
  }

  stats(): ConsumerStats {
    return buildStats({
      streamName: this.streamName,
      workerId: this.options.workerId,
      running: this.running,
      gate: this.gate,
      counters: this.counters,
      readings: this.readings,
      isEnded: (shardId) => this.directory.isEnded(shardId),
    });
  }

  /** Stops the run and waits for everything it started. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    this.running = false;
    this.refreshTimer?.unsubscribe();
    this.health.stop();
    this.stopping = (async () => {
      await this.assignment.stop();
      await Promise.all([...this.readings.values()].map((reading) => reading.stop()));
      await this.leases.releaseAll((shardId) => this.assignment.requesterOf(shardId));
      await this.assignment.leave();
      this.health.stop();
      if (this.options.client === undefined) this.client.destroy();
      this.emitEvent({
        type: 'consumer-stopped',
        streamName: this.streamName,
        workerId: this.options.workerId,
      });
    })().finally(() => this.resolveStopped());
    return this.stopping;
  }

  // AssignmentHost

  async openShards(snapshot?: LeaseSnapshot): Promise<string[]> {
    if (snapshot !== undefined) this.refreshIfStale(snapshot);
    return this.directory.openShards(this.storedLookup(snapshot));
  }

  activeShards(): ReadonlySet<string> {
    return new Set(this.readings.keys());
  }

  async startReading(shardId: string, lease: Lease): Promise<void> {
    const stored = this.storedLookup(undefined);
    const owned = () => this.running && this.leases.get(shardId)?.token === lease.token;
    let start: ShardStartPosition | undefined;
    try {
      const own = await stored(shardId);
      if (own.checkpoint?.kind === 'shard-end') this.directory.markEnded(shardId);
      else if (owned()) start = await this.directory.startOf(shardId, stored);
    } catch (error) {
      await this.leases.release(shardId, undefined, lease.token);
      throw error;
    }
    if (start === undefined || !owned() || this.readings.has(shardId)) {
      await this.leases.release(shardId, undefined, lease.token);
      if (this.directory.isEnded(shardId)) this.assignment.trigger();
      return;
    }
    const counters = this.counters.get(shardId) ?? newShardCounters();
    this.counters.set(shardId, counters);
    const reading = new ShardReading(shardId, lease.token, this.readingHost, counters, (callbacks) =>
      this.createSource(shardId, start, counters, callbacks),
    );
    if (start.resumeAfterSubSequenceNumber !== undefined && start.sequenceNumber !== undefined)
      reading.resumeAt = { sequenceNumber: start.sequenceNumber, sub: start.resumeAfterSubSequenceNumber };
    this.readings.set(shardId, reading);
    this.directory.markStarted(shardId);
    this.emitEvent({
      type: 'shard-started',
      shardId,
      start,
      parentShardIds: this.directory.parentsOf(shardId),
    });
    reading.start();
  }

  handOver(shardId: string, requester: string | undefined): void {
    const coordinator = isLeaseCoordinator(this.checkpointer) ? this.checkpointer : undefined;
    const drainMs =
      coordinator === undefined
        ? 0
        : Math.max(
            coordinator.heartbeatIntervalMs,
            coordinator.handoffTimeoutMs - 2 * coordinator.heartbeatIntervalMs,
          );
    void this.readings.get(shardId)?.handOver(requester, drainMs);
  }

  isHandingOver(shardId: string): boolean {
    return this.readings.get(shardId)?.state === 'releasing';
  }

  checkpointerFailed(error: unknown): void {
    if (this.running) this.health.failed(error);
  }

  checkpointerOk(): void {
    this.health.ok();
  }

  // Readings

  private get readingHost(): ShardReadingHost {
    return {
      streamName: this.streamName,
      checkpointer: this.checkpointer,
      leases: this.leases,
      gate: this.gate,
      emit: (reading, records, page) => this.fanOut.emit(reading, records, page),
      onEvent: this.emitEvent,
      onFinished: (reading, children) => this.onFinished(reading, children),
      onError: (error) => this.fail(error),
      timer: (ms, callback) => {
        const timer = this.options.scheduler.schedule(callback, ms);
        return () => timer.unsubscribe();
      },
    };
  }

  private createSource(
    shardId: string,
    start: ShardStartPosition,
    counters: ShardCounters,
    callbacks: Pick<ReadingSourceParams, 'onRecords' | 'onEnd' | 'onError' | 'onPage'>,
  ): ReadingSource {
    const { options } = this;
    return new ShardPoller({
      ...callbacks,
      streamName: this.streamName,
      shardId,
      reader: this.reader,
      gate: this.gate,
      scheduler: options.scheduler,
      start: {
        iteratorType: start.iteratorType,
        ...(start.sequenceNumber === undefined ? {} : { sequenceNumber: start.sequenceNumber }),
        ...(start.timestamp === undefined ? {} : { timestamp: start.timestamp }),
      },
      fetchIntervalMs: 1000 / options.shardFetchRate,
      sleepTimeNoRecordsMs: options.sleepTimeNoRecords,
      recordLimit: options.recordLimit,
      fairShare: () => Math.ceil(this.gate.limit / Math.max(1, this.readings.size)),
      backoff: {
        baseMs: options.expoBackoff,
        capMs: options.expoBackoffLimit,
        retryLimit: options.retryLimit,
        random: options.random,
      },
      onEvent: (event) => {
        if (event.type === 'throttled') counters.throttles += 1;
        this.emitEvent(event);
      },
    });
  }

  private onFinished(reading: ShardReading, children: readonly ChildShard[]): void {
    const { shardId } = reading;
    if (this.readings.get(shardId) === reading) this.readings.delete(shardId);
    if (reading.state === 'ended') {
      this.directory.markEnded(shardId);
      const named = children.map((child) => child.ShardId ?? '').filter((id) => id !== '');
      this.emitEvent({
        type: 'shard-ended',
        shardId,
        childShardIds: this.directory.childrenOf(shardId, named),
      });
      if (this.running && this.directory.isStale(shardId, named)) {
        void this.refresh();
        return;
      }
    }
    if (this.running) this.assignment.trigger();
  }

  // Lifecycle

  private start(after: Promise<void>): void {
    this.running = true;
    void (async () => {
      await after;
      if (!this.running) return;
      try {
        if (this.options.createStream) {
          await ensureStream(this.client, this.options.address, {
            create: true,
            shardCount: this.options.createStreamShards,
          });
        }
      } catch (error) {
        this.fail(classifyError(error, { streamName: this.streamName }));
        return;
      }
      this.emitEvent({
        type: 'consumer-started',
        streamName: this.streamName,
        workerId: this.options.workerId,
      });
      const error = await this.directory.refresh(() => this.running);
      if (error !== undefined) {
        this.fail(error);
        return;
      }
      if (!this.running) return;
      this.assignment.start();
      const period = this.options.shardRefreshInterval;
      const refresh = () => void this.refresh();
      this.refreshTimer = this.options.scheduler.schedule(function (this: SchedulerAction<undefined>) {
        refresh();
        this.schedule(undefined, period);
      }, period);
    })();
  }

  /** Lists shards again (a non-retriable failure fails the consumer), then runs an assignment pass. */
  private async refresh(): Promise<void> {
    if (this.directory.listing) return;
    const error = await this.directory.refresh(() => this.running);
    if (error !== undefined && !error.retriable) this.fail(error);
    if (this.running) this.assignment.trigger();
  }

  private fail(error: RxjsKinesisError): void {
    if (!this.running) return;
    this.running = false;
    void this.stop();
    this.fanOut.error(error);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.scheduler.schedule(() => resolve(), ms));
  }

  /** The budget is full: name the subscriber holding the most, once per episode. */
  private reportBehind(): void {
    if (this.behind) return;
    const slowest = this.fanOut.slowest(this.readings.values());
    if (slowest === undefined) return;
    this.behind = true;
    this.gate.whenRoom(() => (this.behind = false));
    this.emitEvent({
      type: 'subscriber-behind',
      subscriberId: slowest.id,
      records: slowest.records,
      inFlight: this.gate.inFlight,
      inFlightItems: this.gate.inFlightItems,
      inFlightBytes: this.gate.inFlightBytes,
    });
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

  /**
   * Another worker may have followed a reshard this worker has not listed yet (leases of shards
   * it does not know): list again, at most once per STALE_REFRESH_MS.
   */
  private refreshIfStale(snapshot: LeaseSnapshot): void {
    const now = this.options.scheduler.now();
    if (this.directory.listing || now - this.staleRefreshAt < STALE_REFRESH_MS) return;
    if (!snapshot.leases.some((lease) => !this.directory.has(lease.shardId))) return;
    this.staleRefreshAt = now;
    void this.refresh();
  }
}
