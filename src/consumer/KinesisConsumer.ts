import type { ChildShard, KinesisClient, Shard, _Record } from '@aws-sdk/client-kinesis';
import type { SchedulerAction, Subscriber, Subscription } from 'rxjs';
import type { Checkpointer, CheckpointPosition } from '../checkpointers/Checkpointer.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
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
import { LeaseManager } from './LeaseManager.js';
import { ShardPoller } from './ShardPoller.js';
import { ShardProgress } from './ShardProgress.js';
import { createShardReader, type RecordsPage, type ShardReader } from './ShardReader.js';

interface ShardState {
  readonly shardId: string;
  state: ShardReadState | 'ending';
  poller: ShardPoller | undefined;
  progress: ShardProgress;
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
    this.leases = new LeaseManager({
      checkpointer: this.checkpointer,
      streamName: this.streamName,
      workerId: options.workerId,
      scheduler: options.scheduler,
      onEvent: (event) => this.emitEvent(event),
      onLost: (shardId) => {
        const state = this.shards.get(shardId);
        if (state !== undefined) this.abandon(state);
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
      if (!last) this.maybeFinish(state);
    }
  }

  passed(sinkId: number, record: KinesisRecord, subSequenceNumber: number | undefined): void {
    const state = this.shards.get(record.shardId);
    if (state === undefined || record[CONSUMER_CONTEXT]?.link !== this) return;
    this.gate.release(state.progress.pass(sinkId, record.sequenceNumber, subSequenceNumber));
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
      await this.commit();
      await this.leases.releaseAll();
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
      if (state.state === 'reading' || state.state === 'draining' || state.state === 'ending') count += 1;
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
        start = parents.length > 0 ? this.childStart() : this.configuredStart(shardId);
      }
      this.startShard(state, start, parents);
    }
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
      [CONSUMER_CONTEXT]: this.context,
    };
  }

  private emit(state: ShardState, poller: ShardPoller, records: readonly _Record[], page: RecordsPage): void {
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
    if (state.childShardIds.some((id) => !this.known.has(id))) void this.refresh(false);
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
  }
}
