import type { ChildShard, KinesisClient, Shard, _Record } from '@aws-sdk/client-kinesis';
import type { SchedulerAction, Subscriber, Subscription } from 'rxjs';
import type {
  Checkpointer,
  CheckpointPosition,
  Lease,
  ShardCheckpoint,
} from '../checkpointers/Checkpointer.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import {
  isLeaseCoordinator,
  type LeaseCoordinator,
  type LeaseSnapshot,
} from '../checkpointers/LeaseCoordinator.js';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { Backoff } from '../kinesis/backoff.js';
import { classifyError } from '../kinesis/classifyError.js';
import { createKinesisClient } from '../kinesis/createKinesisClient.js';
import { ensureStream } from '../kinesis/ensureStream.js';
import { listShards } from '../kinesis/listShards.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ConsumerEvent, ShardStartPosition } from './ConsumerEvent.js';
import type { CheckpointSink, ConsumerLink } from './ConsumerLink.js';
import type { ConsumerStats, ShardReadState, ShardStats } from './ConsumerStats.js';
import { CheckpointerConflictError } from './errors/CheckpointerConflictError.js';
import { InFlightGate } from './InFlightGate.js';
import { CONSUMER_CONTEXT, type ConsumerContext, type KinesisRecord } from './KinesisRecord.js';
import { LeaseBalancer } from './LeaseBalancer.js';
import { LeaseManager } from './LeaseManager.js';
import { ShardPoller } from './ShardPoller.js';
import { ShardProgress } from './ShardProgress.js';
import { createShardReader, type RecordsPage, type ShardReader } from './ShardReader.js';

/** Least time between two listings caused by a stale view of the shards (see refreshIfStale). */
const STALE_REFRESH_MS = 2000;

interface ShardState {
  readonly shardId: string;
  state: ShardReadState | 'ending';
  poller: ShardPoller | undefined;
  progress: ShardProgress;
  /** Carried by the records of the current reading of the shard (a new one per start). */
  context: ConsumerContext;
  /** Called when the last record in flight left (see waitDrained). */
  onDrained: (() => void) | undefined;
  /** Set when resuming inside an aggregated record: its items up to `sub` are skipped. */
  resumeAt: { readonly sequenceNumber: string; readonly sub: number } | undefined;
  writing: Promise<void>;
  checkpoint: CheckpointPosition | 'SHARD_END' | undefined;
  childShardIds: readonly string[];
  records: number;
  bytes: number;
  getRecordsCalls: number;
  throttles: number;
  millisBehindLatest: number | undefined;
  lastSequenceNumber: string | undefined;
}

export interface KinesisConsumerOptions {
  readonly options: ResolvedConsumerOptions;
  readonly checkpointer: Checkpointer;
  readonly onEvent: (event: ConsumerEvent) => void;
  /** Data-plane calls; default: a ShardReader over the consumer's KinesisClient. */
  readonly reader?: ShardReader;
}

/**
 * The engine behind fromKinesis(): discovers shards and their lineage, leases and polls each
 * readable shard, emits records to every subscriber, keeps records in flight until checkpoint()
 * sinks pass them, writes committable positions through the shard's lease and marks shard ends
 * so children may start. One engine runs per active fromKinesis() Observable.
 */
export class KinesisConsumer implements ConsumerLink {
  readonly streamName: string;
  readonly checkpointer: Checkpointer;
  private readonly options: ResolvedConsumerOptions;
  private readonly client: KinesisClient;
  private readonly ownsClient: boolean;
  private readonly reader: ShardReader;
  private readonly gate: InFlightGate;
  private readonly leases: LeaseManager;
  /** Set when the checkpointer is shared by several processes (e.g. the RedisCheckpointer). */
  private readonly coordinator: LeaseCoordinator | undefined;
  private readonly balancer: LeaseBalancer | undefined;
  /** Shards being handed over or given up, and the work doing it. */
  private readonly givingUp = new Map<string, Promise<void>>();
  private readonly emitEvent: (event: ConsumerEvent) => void;
  private readonly context: ConsumerContext;
  private readonly subscribers = new Set<Subscriber<KinesisRecord>>();
  private readonly sinks = new Map<number, CheckpointSink>();
  private readonly shards = new Map<string, ShardState>();
  private known = new Map<string, Shard>();
  private running = false;
  private stopping: Promise<void> | undefined;
  private refreshTimer: Subscription | undefined;
  private reconciling = false;
  /** Shard listings under way. */
  private listings = 0;
  private staleRefreshAt = Number.NEGATIVE_INFINITY;
  private reconcileAgain = false;
  private readonly startedAt: number;

  constructor(config: KinesisConsumerOptions) {
    const { options } = config;
    this.options = options;
    this.streamName = options.address.streamName;
    this.checkpointer = config.checkpointer;
    this.emitEvent = config.onEvent;
    this.ownsClient = options.client === undefined;
    this.client = createKinesisClient({
      ...(options.client === undefined ? {} : { client: options.client }),
      ...((options.region ?? options.address.region)
        ? { region: options.region ?? options.address.region }
        : {}),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    });
    this.reader = config.reader ?? createShardReader(this.client, options.address);
    this.gate = new InFlightGate(options.maxQueueSize);
    this.coordinator = isLeaseCoordinator(this.checkpointer) ? this.checkpointer : undefined;
    this.leases = new LeaseManager({
      checkpointer: this.checkpointer,
      ...(this.coordinator === undefined ? {} : { coordinator: this.coordinator }),
      streamName: this.streamName,
      workerId: options.workerId,
      scheduler: options.scheduler,
      onEvent: (event) => this.emitEvent(event),
      onLost: (shardId) => {
        const state = this.shards.get(shardId);
        if (state !== undefined) this.abandon(state);
      },
    });
    this.balancer =
      this.coordinator === undefined
        ? undefined
        : new LeaseBalancer({
            coordinator: this.coordinator,
            streamName: this.streamName,
            workerId: options.workerId,
            scheduler: options.scheduler,
            maxShardConsumers: options.maxShardConsumers,
            leases: this.leases,
            onEvent: (event) => this.emitEvent(event),
            host: {
              openShards: (snapshot) => this.openShards(snapshot),
              startLeased: (shardId, lease) => this.startLeased(shardId, lease),
              giveUp: (shardId, requester) => this.giveUp(shardId, requester),
              isGivingUp: (shardId) => this.givingUp.has(shardId),
            },
          });
    this.context = { processor: options.processor, link: this };
    this.startedAt = options.scheduler.now();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Resolves once a stopped consumer has written its last checkpoints and released its leases. */
  get stopped(): Promise<void> {
    return this.stopping ?? Promise.resolve();
  }

  /** Adds a subscriber (the first one starts the consumer, after `after` resolves). */
  addSubscriber(
    subscriber: Subscriber<KinesisRecord>,
    sink: CheckpointSink | undefined,
    after: Promise<void>,
  ): void {
    if (sink !== undefined) this.attachSink(sink);
    this.subscribers.add(subscriber);
    if (!this.running && this.stopping === undefined) this.start(after);
  }

  /** Removes a subscriber; the last one leaving stops the consumer. */
  removeSubscriber(subscriber: Subscriber<KinesisRecord>): void {
    if (!this.subscribers.delete(subscriber)) return;
    if (this.subscribers.size === 0) void this.stop();
  }

  // ConsumerLink

  attachSink(sink: CheckpointSink): void {
    if (sink.checkpointer !== undefined && sink.checkpointer !== this.checkpointer) {
      throw new CheckpointerConflictError(this.checkpointer.name, sink.checkpointer.name);
    }
    if (this.sinks.has(sink.id)) return;
    this.sinks.set(sink.id, sink);
    sink.bound?.(this);
  }

  isAttached(sinkId: number): boolean {
    return this.sinks.has(sinkId);
  }

  detachSink(sinkId: number): void {
    if (!this.sinks.delete(sinkId)) return;
    // The last sink leaving: what it did not pass is released but never committed. Otherwise
    // the remaining sinks decide.
    const last = this.sinks.size === 0;
    for (const state of this.shards.values()) {
      this.gate.release(last ? state.progress.clear() : state.progress.removeSink(sinkId));
      this.checkDrained(state);
      if (!last) this.maybeFinish(state);
    }
  }

  passed(sinkId: number, record: KinesisRecord, subSequenceNumber: number | undefined): void {
    const state = this.shards.get(record.shardId);
    // Records of an earlier reading of the shard (before its lease was lost or handed over)
    // carry another context: they must not move the new reading's position.
    if (state === undefined || record[CONSUMER_CONTEXT] !== state.context) return;
    this.gate.release(state.progress.pass(sinkId, record.sequenceNumber, subSequenceNumber));
    this.checkDrained(state);
    this.maybeFinish(state);
  }

  skipped(
    record: KinesisRecord,
    subSequenceNumber: number | undefined,
    subRecordCount: number,
    sinkId?: number,
  ): void {
    const state = this.shards.get(record.shardId);
    if (state === undefined || record[CONSUMER_CONTEXT] !== state.context) return;
    const released = state.progress.skip(
      record.sequenceNumber,
      subSequenceNumber,
      subRecordCount,
      sinkId,
      record.resumeAfterSubSequenceNumber,
    );
    this.gate.release(released);
    this.checkDrained(state);
    this.maybeFinish(state);
  }

  commit(): Promise<void> {
    return Promise.all([...this.shards.values()].map((state) => this.write(state))).then(() => undefined);
  }

  stats(): ConsumerStats {
    return {
      streamName: this.streamName,
      workerId: this.options.workerId,
      running: this.running,
      inFlight: this.gate.inFlight,
      peakInFlight: this.gate.peakInFlight,
      maxQueueSize: this.gate.limit,
      shards: [...this.shards.values()].map((s): ShardStats => ({
        shardId: s.shardId,
        state: s.state === 'ending' ? 'draining' : s.state,
        records: s.records,
        bytes: s.bytes,
        getRecordsCalls: s.getRecordsCalls,
        throttles: s.throttles,
        inFlight: s.progress.size,
        ...(s.millisBehindLatest === undefined ? {} : { millisBehindLatest: s.millisBehindLatest }),
        ...(s.lastSequenceNumber === undefined ? {} : { lastSequenceNumber: s.lastSequenceNumber }),
        ...(s.checkpoint === undefined ? {} : { checkpoint: s.checkpoint }),
      })),
    };
  }

  /** Stops polling, writes committable positions, releases leases. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    this.running = false;
    this.refreshTimer?.unsubscribe();
    this.refreshTimer = undefined;
    for (const state of this.shards.values()) {
      state.poller?.stop();
      state.poller = undefined;
    }
    this.stopping = (async () => {
      await this.balancer?.stop();
      await this.commit();
      await Promise.all(this.givingUp.values());
      const balancer = this.balancer;
      await this.leases.releaseAll(
        balancer === undefined ? undefined : (shardId) => balancer.requesterOf(shardId),
      );
      await balancer?.leave();
      for (const state of this.shards.values()) if (state.state !== 'ended') state.state = 'stopped';
      if (this.ownsClient) this.client.destroy();
      this.emitEvent({
        type: 'consumer-stopped',
        streamName: this.streamName,
        workerId: this.options.workerId,
      });
    })();
    return this.stopping;
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
        this.emitEvent({
          type: 'consumer-started',
          streamName: this.streamName,
          workerId: this.options.workerId,
        });
        await this.refresh(true);
      } catch (error) {
        this.fail(classifyError(error, { streamName: this.streamName }));
        return;
      }
      if (!this.running) return;
      this.balancer?.start();
      const period = this.options.shardRefreshInterval;
      const refresh = () => void this.refresh(false);
      this.refreshTimer = this.options.scheduler.schedule(function (this: SchedulerAction<undefined>) {
        refresh();
        this.schedule(undefined, period);
      }, period);
    })();
  }

  private fail(error: RxjsKinesisError): void {
    if (!this.running) return;
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    void this.stop();
    for (const subscriber of subscribers) subscriber.error(error);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.scheduler.schedule(() => resolve(), ms));
  }

  /** Lists shards (retrying retriable failures; the first listing fails the consumer when out of retries). */
  private async refresh(first: boolean): Promise<void> {
    this.listings += 1;
    try {
      await this.listAndReconcile(first);
    } finally {
      this.listings -= 1;
    }
  }

  private async listAndReconcile(first: boolean): Promise<void> {
    const backoff = new Backoff({
      baseMs: this.options.expoBackoff,
      capMs: this.options.expoBackoffLimit,
      retryLimit: this.options.retryLimit,
      random: this.options.random,
    });
    let shards: Shard[];
    for (;;) {
      try {
        shards = await listShards(this.client, this.options.address);
        break;
      } catch (caught) {
        const error = classifyError(caught, { streamName: this.streamName });
        const delayMs = error.retriable ? backoff.next() : undefined;
        if (delayMs === undefined) {
          if (first || !error.retriable) this.fail(error);
          return;
        }
        this.emitEvent({
          type: 'error-retried',
          operation: 'ListShards',
          error,
          attempt: backoff.attempts,
          delayMs,
        });
        await this.delay(delayMs);
        if (!this.running) return;
      }
    }
    if (!this.running) return;
    const changed =
      shards.length !== this.known.size || shards.some((shard) => !this.known.has(shard.ShardId ?? ''));
    this.known = new Map(shards.filter((s) => s.ShardId !== undefined).map((s) => [s.ShardId as string, s]));
    if (changed) this.emitEvent({ type: 'shards-discovered', shardIds: [...this.known.keys()] });
    for (const state of this.shards.values()) this.maybeFinish(state);
    await this.reconcile();
  }

  /** Starts every shard that may start now; runs one pass at a time. */
  private async reconcile(): Promise<void> {
    if (this.balancer !== undefined) {
      this.balancer.trigger();
      return;
    }
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = true;
    try {
      do {
        this.reconcileAgain = false;
        await this.reconcileOnce();
      } while (this.reconcileAgain && this.running);
    } catch (error) {
      this.fail(classifyError(error, { streamName: this.streamName }));
    } finally {
      this.reconciling = false;
    }
  }

  private stateOf(shardId: string): ShardState {
    let state = this.shards.get(shardId);
    if (state === undefined) {
      state = {
        shardId,
        state: 'waiting',
        poller: undefined,
        progress: new ShardProgress(),
        context: this.context,
        onDrained: undefined,
        resumeAt: undefined,
        writing: Promise.resolve(),
        checkpoint: undefined,
        childShardIds: [],
        records: 0,
        bytes: 0,
        getRecordsCalls: 0,
        throttles: 0,
        millisBehindLatest: undefined,
        lastSequenceNumber: undefined,
      };
      this.shards.set(shardId, state);
    }
    return state;
  }

  private activeCount(): number {
    let count = 0;
    for (const state of this.shards.values()) {
      if (
        state.state === 'reading' ||
        state.state === 'draining' ||
        state.state === 'ending' ||
        state.state === 'releasing'
      )
        count += 1;
    }
    return count;
  }

  private async isEnded(shardId: string): Promise<boolean> {
    const state = this.shards.get(shardId);
    if (state?.state === 'ended') return true;
    if (state !== undefined && state.state !== 'waiting' && state.state !== 'unowned') return false;
    const checkpoint = await this.checkpointer.getCheckpoint(this.streamName, shardId);
    if (checkpoint?.kind !== 'shard-end') return false;
    const ended = this.stateOf(shardId);
    ended.state = 'ended';
    ended.checkpoint = 'SHARD_END';
    return true;
  }

  private async reconcileOnce(): Promise<void> {
    for (const shard of this.known.values()) {
      if (!this.running) return;
      const shardId = shard.ShardId as string;
      const existing = this.shards.get(shardId);
      if (existing !== undefined && existing.state !== 'waiting' && existing.state !== 'unowned') continue;
      if (this.activeCount() >= this.options.maxShardConsumers) return;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (id): id is string => id !== undefined && this.known.has(id),
      );
      let ready = true;
      for (const parent of parents) if (!(await this.isEnded(parent))) ready = false;
      const state = this.stateOf(shardId);
      if (!ready || !this.running) continue;
      const checkpoint = await this.checkpointer.getCheckpoint(this.streamName, shardId);
      if (checkpoint?.kind === 'shard-end') {
        state.state = 'ended';
        state.checkpoint = 'SHARD_END';
        this.reconcileAgain = true;
        continue;
      }
      const lease = await this.leases.acquire(shardId);
      if (lease === undefined) {
        state.state = 'unowned';
        continue;
      }
      if (!this.running) {
        await this.leases.release(shardId);
        return;
      }
      this.startFrom(state, checkpoint, parents);
    }
  }

  /** Starts reading a leased shard from its checkpoint, else from where a shard without one starts. */
  private startFrom(
    state: ShardState,
    checkpoint: ShardCheckpoint | undefined,
    parents: readonly string[],
  ): void {
    let start: ShardStartPosition;
    if (checkpoint?.kind === 'position') {
      const { sequenceNumber, subSequenceNumber } = checkpoint.position;
      start =
        subSequenceNumber === undefined
          ? { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber, origin: 'checkpoint' }
          : {
              iteratorType: 'AT_SEQUENCE_NUMBER',
              sequenceNumber,
              resumeAfterSubSequenceNumber: subSequenceNumber,
              origin: 'checkpoint',
            };
      state.checkpoint = checkpoint.position;
    } else {
      start = parents.length > 0 ? this.childStart() : this.configuredStart(state.shardId);
    }
    this.startShard(state, start, parents);
  }

  /** The known parents of a shard. */
  private parentsOf(shardId: string): string[] {
    const shard = this.known.get(shardId);
    if (shard === undefined) return [];
    return [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (id): id is string => id !== undefined && this.known.has(id),
    );
  }

  // Balancing (LeaseCoordinator checkpointers)

  /** Shards that may be read now: known, not ended, every known parent ended. */
  private openShards(snapshot: LeaseSnapshot): string[] {
    const endedInStore = new Set(
      snapshot.leases.filter((lease) => lease.checkpoint?.kind === 'shard-end').map((lease) => lease.shardId),
    );
    const ended = (shardId: string) =>
      this.shards.get(shardId)?.state === 'ended' || endedInStore.has(shardId);
    const open: string[] = [];
    for (const shardId of this.known.keys()) {
      const state = this.shards.get(shardId);
      if (ended(shardId)) {
        if (state === undefined || state.state === 'waiting' || state.state === 'unowned') {
          const marked = this.stateOf(shardId);
          marked.state = 'ended';
          marked.checkpoint = 'SHARD_END';
        }
        continue;
      }
      const ready = this.parentsOf(shardId).every(ended);
      if (state === undefined) this.stateOf(shardId).state = ready ? 'unowned' : 'waiting';
      else if (state.state === 'waiting' && ready) state.state = 'unowned';
      if (ready) open.push(shardId);
    }
    this.refreshIfStale(snapshot, ended);
    return open;
  }

  /**
   * Another worker may have followed a reshard this worker has not listed yet: shards in the
   * snapshot it does not know, or ended shards without a known child, mean the listing is out
   * of date. Lists again (at most once per STALE_REFRESH_MS) instead of waiting for
   * shardRefreshInterval, so children are shared out as soon as their parents end.
   */
  private refreshIfStale(snapshot: LeaseSnapshot, ended: (shardId: string) => boolean): void {
    const now = this.options.scheduler.now();
    if (this.listings > 0 || now - this.staleRefreshAt < STALE_REFRESH_MS) return;
    const hasChild = new Set<string>();
    for (const shard of this.known.values())
      for (const parent of [shard.ParentShardId, shard.AdjacentParentShardId])
        if (parent !== undefined) hasChild.add(parent);
    const stale =
      snapshot.leases.some((lease) => !this.known.has(lease.shardId)) ||
      [...this.known.keys()].some((shardId) => ended(shardId) && !hasChild.has(shardId));
    if (!stale) return;
    this.staleRefreshAt = now;
    void this.refresh(false);
  }

  /** The balancer acquired a shard's lease: start reading it from its checkpoint. */
  private async startLeased(shardId: string, lease: Lease): Promise<void> {
    const state = this.stateOf(shardId);
    if (!this.running) {
      await this.leases.release(shardId);
      return;
    }
    if (state.state === 'ended') {
      await this.leases.release(shardId);
      return;
    }
    if (state.state !== 'waiting' && state.state !== 'unowned') return;
    let checkpoint: ShardCheckpoint | undefined;
    try {
      checkpoint = await this.checkpointer.getCheckpoint(this.streamName, shardId);
    } catch (error) {
      this.emitEvent({
        type: 'error-retried',
        shardId,
        operation: 'getCheckpoint',
        error: classifyError(error, { streamName: this.streamName, shardId }),
        attempt: 1,
        delayMs: this.coordinator?.heartbeatIntervalMs ?? 0,
      });
      await this.leases.release(shardId);
      return;
    }
    if (this.leases.get(shardId)?.token !== lease.token) return;
    if (!this.running) {
      await this.leases.release(shardId);
      return;
    }
    if (checkpoint?.kind === 'shard-end') {
      state.state = 'ended';
      state.checkpoint = 'SHARD_END';
      await this.leases.release(shardId);
      this.balancer?.trigger();
      return;
    }
    this.startFrom(state, checkpoint, this.parentsOf(shardId));
  }

  /**
   * Stops reading a shard this worker should no longer hold, lets its records in flight pass
   * checkpoint() (up to a timeout), writes the last position and releases the lease, reserved
   * for `requester` when it is a handoff.
   */
  private giveUp(shardId: string, requester: string | undefined): void {
    if (this.givingUp.has(shardId)) return;
    const state = this.shards.get(shardId);
    const lease = this.leases.get(shardId);
    if (state === undefined || lease === undefined || state.state !== 'reading') return;
    state.poller?.stop();
    state.poller = undefined;
    state.state = 'releasing';
    const owns = () => this.leases.get(shardId)?.token === lease.token;
    const work = (async () => {
      const drained = await this.waitDrained(state, this.drainTimeoutMs());
      if (!owns()) return;
      if (!drained) this.gate.release(state.progress.clear());
      await this.write(state);
      if (!owns()) return;
      const released = await this.leases.release(shardId, requester);
      if (released && requester !== undefined)
        this.emitEvent({ type: 'handoff-completed', shardId, requester, drained });
    })().finally(() => {
      this.givingUp.delete(shardId);
      if (state.state === 'releasing') state.state = this.running ? 'unowned' : 'stopped';
    });
    this.givingUp.set(shardId, work);
  }

  /** How long a shard being handed over waits for its records in flight: well within the handoff deadline. */
  private drainTimeoutMs(): number {
    const coordinator = this.coordinator;
    if (coordinator === undefined) return 0;
    return Math.max(
      coordinator.heartbeatIntervalMs,
      coordinator.handoffTimeoutMs - 2 * coordinator.heartbeatIntervalMs,
    );
  }

  /** Resolves true once no record of the shard is in flight, false at the timeout. */
  private waitDrained(state: ShardState, timeoutMs: number): Promise<boolean> {
    if (state.progress.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.options.scheduler.schedule(() => {
        state.onDrained = undefined;
        resolve(state.progress.size === 0);
      }, timeoutMs);
      state.onDrained = () => {
        state.onDrained = undefined;
        timer.unsubscribe();
        resolve(true);
      };
    });
  }

  private checkDrained(state: ShardState): void {
    if (state.onDrained !== undefined && state.progress.size === 0) state.onDrained();
  }

  private configuredStart(shardId: string): ShardStartPosition {
    const { iteratorType, timestamp, sequenceNumber } = this.options;
    if (iteratorType === 'AT_TIMESTAMP' && timestamp !== undefined)
      return { iteratorType, timestamp, origin: 'configured' };
    if (iteratorType === 'AT_SEQUENCE_NUMBER' || iteratorType === 'AFTER_SEQUENCE_NUMBER') {
      const value = typeof sequenceNumber === 'string' ? sequenceNumber : sequenceNumber?.[shardId];
      if (value !== undefined) return { iteratorType, sequenceNumber: value, origin: 'configured' };
      return { iteratorType: 'TRIM_HORIZON', origin: 'configured' };
    }
    return { iteratorType: iteratorType === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON', origin: 'configured' };
  }

  /** A child of shards this consumer read: from its beginning, bounded by the consumer's start time. */
  private childStart(): ShardStartPosition {
    const { iteratorType, timestamp } = this.options;
    if (iteratorType === 'AT_TIMESTAMP' && timestamp !== undefined)
      return { iteratorType, timestamp, origin: 'parent' };
    if (iteratorType === 'LATEST')
      return { iteratorType: 'AT_TIMESTAMP', timestamp: new Date(this.startedAt), origin: 'parent' };
    return { iteratorType: 'TRIM_HORIZON', origin: 'parent' };
  }

  private startShard(state: ShardState, start: ShardStartPosition, parents: readonly string[]): void {
    const { options } = this;
    state.progress = new ShardProgress();
    state.context = { processor: options.processor, link: this };
    state.resumeAt =
      start.resumeAfterSubSequenceNumber !== undefined && start.sequenceNumber !== undefined
        ? { sequenceNumber: start.sequenceNumber, sub: start.resumeAfterSubSequenceNumber }
        : undefined;
    const poller: ShardPoller = new ShardPoller({
      streamName: this.streamName,
      shardId: state.shardId,
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
      fairShare: () => Math.ceil(this.gate.limit / Math.max(1, this.activeCount())),
      backoff: {
        baseMs: options.expoBackoff,
        capMs: options.expoBackoffLimit,
        retryLimit: options.retryLimit,
        random: options.random,
      },
      onRecords: (records, page) => this.emit(state, poller, records, page),
      onEnd: (children) => this.onShardEnd(state, poller, children),
      onEvent: (event) => {
        if (event.type === 'throttled') state.throttles += 1;
        this.emitEvent(event);
      },
      onError: (error) => this.fail(error),
      onPage: (page) => {
        state.getRecordsCalls += 1;
        if (page.millisBehindLatest !== undefined) state.millisBehindLatest = page.millisBehindLatest;
      },
    });
    state.poller = poller;
    state.state = 'reading';
    this.emitEvent({ type: 'shard-started', shardId: state.shardId, start, parentShardIds: parents });
    poller.start();
  }

  private toRecord(state: ShardState, raw: _Record, page: RecordsPage): KinesisRecord {
    const sequenceNumber = raw.SequenceNumber ?? '';
    let resumeAfterSubSequenceNumber: number | undefined;
    if (state.resumeAt !== undefined) {
      if (state.resumeAt.sequenceNumber === sequenceNumber) resumeAfterSubSequenceNumber = state.resumeAt.sub;
      state.resumeAt = undefined;
    }
    const explicitHashKey = (raw as { ExplicitHashKey?: string }).ExplicitHashKey;
    return {
      streamName: this.streamName,
      shardId: state.shardId,
      sequenceNumber,
      partitionKey: raw.PartitionKey ?? '',
      ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
      data: raw.Data ?? new Uint8Array(0),
      approximateArrivalTimestamp: raw.ApproximateArrivalTimestamp ?? new Date(0),
      ...(page.millisBehindLatest === undefined ? {} : { millisBehindLatest: page.millisBehindLatest }),
      ...(resumeAfterSubSequenceNumber === undefined ? {} : { resumeAfterSubSequenceNumber }),
      [CONSUMER_CONTEXT]: state.context,
    };
  }

  private emit(state: ShardState, poller: ShardPoller, records: readonly _Record[], page: RecordsPage): void {
    // With a shared checkpointer, a lease whose deadline passed (e.g. the event loop stalled)
    // is lost here, before any of its records goes out.
    if (this.coordinator !== undefined && this.leases.get(state.shardId) === undefined) {
      this.gate.release(records.length);
      if (state.poller === poller) this.abandon(state);
      return;
    }
    for (let i = 0; i < records.length; i += 1) {
      if (!this.running || state.poller !== poller) {
        this.gate.release(records.length - i);
        return;
      }
      const record = this.toRecord(state, records[i] as _Record, page);
      state.records += 1;
      state.bytes += record.data.byteLength;
      state.lastSequenceNumber = record.sequenceNumber;
      const tracked = this.sinks.size > 0;
      if (tracked) state.progress.add(record.sequenceNumber, this.sinks.keys());
      for (const subscriber of [...this.subscribers]) subscriber.next(record);
      if (!tracked) this.gate.release(1);
    }
  }

  private onShardEnd(state: ShardState, poller: ShardPoller, children: readonly ChildShard[]): void {
    if (state.poller !== poller) return;
    state.poller = undefined;
    state.state = 'draining';
    state.childShardIds = children.map((child) => child.ShardId ?? '').filter((id) => id !== '');
    // A closed shard has children: list the shards again when they are not all known (some
    // endpoints return no ChildShards, so none known means the listing is out of date too).
    const knownChildren = [...this.known.values()].some(
      (shard) => shard.ParentShardId === state.shardId || shard.AdjacentParentShardId === state.shardId,
    );
    if (
      state.childShardIds.some((id) => !this.known.has(id)) ||
      (!knownChildren && state.childShardIds.length === 0)
    )
      void this.refresh(false);
    this.maybeFinish(state);
  }

  /** Writes SHARD_END once a read-to-end shard has no record in flight; then children may start. */
  private maybeFinish(state: ShardState): void {
    if (state.state !== 'draining' || state.progress.size > 0 || !this.running) return;
    state.state = 'ending';
    const shardId = state.shardId;
    state.writing = state.writing.then(async () => {
      const lease = this.leases.get(shardId);
      if (lease === undefined) return;
      try {
        await this.checkpointer.markShardEnd(lease);
      } catch (error) {
        if (error instanceof LeaseLostError) {
          this.emitEvent({ type: 'lease-lost', shardId, error });
          this.abandon(state);
        } else {
          state.state = 'draining';
          this.emitEvent({
            type: 'error-retried',
            shardId,
            operation: 'markShardEnd',
            error: classifyError(error),
            attempt: 1,
            delayMs: this.options.shardRefreshInterval,
          });
        }
        return;
      }
      state.checkpoint = 'SHARD_END';
      state.state = 'ended';
      this.emitEvent({ type: 'checkpoint-written', shardId, position: 'SHARD_END' });
      this.emitEvent({ type: 'shard-ended', shardId, childShardIds: this.childrenOf(shardId) });
      await this.leases.release(shardId);
      if (this.running) void this.reconcile();
    });
  }

  private childrenOf(shardId: string): string[] {
    const state = this.shards.get(shardId);
    const children = new Set(state?.childShardIds ?? []);
    for (const shard of this.known.values()) {
      if (shard.ParentShardId === shardId || shard.AdjacentParentShardId === shardId)
        children.add(shard.ShardId as string);
    }
    return [...children];
  }

  /** Writes the shard's committable position through its lease, after any write under way. */
  private write(state: ShardState): Promise<void> {
    if (!state.progress.dirty) return state.writing;
    state.writing = state.writing.then(async () => {
      const position = state.progress.committable;
      if (position === undefined || !state.progress.dirty) return;
      const lease = this.leases.get(state.shardId);
      if (lease === undefined || state.state === 'ended') return;
      try {
        await this.checkpointer.checkpoint(lease, position);
        state.progress.markWritten(position);
        state.checkpoint = position;
        this.emitEvent({ type: 'checkpoint-written', shardId: state.shardId, position });
      } catch (error) {
        if (error instanceof LeaseLostError) {
          this.emitEvent({ type: 'lease-lost', shardId: state.shardId, error });
          this.abandon(state);
        } else {
          this.emitEvent({
            type: 'error-retried',
            shardId: state.shardId,
            operation: 'checkpoint',
            error: classifyError(error),
            attempt: 1,
            delayMs: 0,
          });
        }
      }
    });
    return state.writing;
  }

  /** The lease is gone: stop the shard at once and never write for it; retried at the next refresh. */
  private abandon(state: ShardState): void {
    state.poller?.stop();
    state.poller = undefined;
    this.leases.drop(state.shardId);
    this.gate.release(state.progress.clear());
    state.state = 'unowned';
    this.checkDrained(state);
  }
}
