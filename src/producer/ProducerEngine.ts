import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Observable, SchedulerLike } from 'rxjs';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { LogLevel } from '../logging/Logger.js';
import type { LogDetails } from '../logging/writeLog.js';
import { DeliverySettlement } from './DeliverySettlement.js';
import { engineConnection } from './EngineConnection.js';
import { EngineTurns } from './EngineTurns.js';
import { FullQueueRelease } from './FullQueueRelease.js';
import { ItemFailures } from './ItemFailures.js';
import { ItemPlacer } from './ItemPlacer.js';
import { ItemPreparer } from './ItemPreparer.js';
import type { PreparedItem, QueuedItem } from './OutgoingRecord.js';
import type { ProducerEngineHooks } from './ProducerEngineHooks.js';
import type { ProducerCalls } from './ProducerCalls.js';
import { ProducerMetrics, type ProducerMetricsSnapshot } from './ProducerMetrics.js';
import type { ProducerOptions, ResolvedProducerOptions } from './ProducerOptions.js';
import { resolveProducerOptions } from './resolveProducerOptions.js';
import { ProducerQueue } from './ProducerQueue.js';
import { producerFailure, producerLog } from './producerLog.js';
import { ProducerAbort } from './ProducerAbort.js';
import { PutRecordsSender, retryPolicyOf } from './PutRecordsSender.js';
import { batchLimitsOf } from './BatchLimits.js';
import { forgetGoneShards } from './forgetGoneShards.js';
import { relaneWaitingResends } from './relaneResends.js';
import { RecordBatcher } from './RecordBatcher.js';
import { digestOffloadFor, RecordDigests } from './RecordDigests.js';
import { SendLoop } from './SendLoop.js';
import { ShardPredictor, UNASSIGNED_SHARD } from './ShardPredictor.js';
import { StreamStartup } from './StreamStartup.js';

export type { ProducerEngineHooks } from './ProducerEngineHooks.js';

/**
 * The producer: serializes and keys items, aggregates them per predicted shard, cuts PutRecords batches
 * (batchSize, maxRequestBytes, bufferTime), paces them with per-shard records/s and bytes/s budgets,
 * re-sends only failed entries with back-off, and reports every accepted item once. Every timer runs on
 * `options.scheduler`; nothing is awaited, so under a TestScheduler the engine runs entirely in virtual
 * time. Used by toKinesis() and by Producer. The engine orchestrates: ItemPreparer keys and serializes,
 * ProducerQueue admits and settles, StreamStartup waits for the stream, SendLoop sends and sorts
 * answers, ItemFailures and DeliverySettlement report.
 */
export class ProducerEngine<T> {
  readonly options: ResolvedProducerOptions<T>;
  private readonly client: KinesisClient;
  private readonly ownsClient: boolean;
  private readonly scheduler: SchedulerLike;
  private readonly predictor: ShardPredictor;
  private readonly batcher: RecordBatcher<T>;
  // (the predictor is made in the constructor; only read once counts come)
  private readonly counters = new ProducerMetrics(() => this.predictor.listingsStarted);
  private readonly preparer: ItemPreparer<T>;
  private readonly queue: ProducerQueue<T>;
  private readonly failures: ItemFailures<T>;
  private readonly sendLoop: SendLoop<T>;
  private readonly startup: StreamStartup<T>;
  /** Every call to Kinesis in flight, aborted on dispose. */
  private readonly calls: ProducerCalls;
  private readonly digests: RecordDigests;
  private digestsClosed: Promise<void> = Promise.resolve();

  private state: 'starting' | 'ready' | 'broken' = 'starting';
  private brokenBy: RxjsKinesisError | undefined;
  private incoming: QueuedItem<T>[] = [];
  private disposed = false;
  private readonly fullQueue: FullQueueRelease<T>;
  private readonly placer: ItemPlacer<T>;
  private readonly aborter: ProducerAbort<T>;
  readonly metrics$: Observable<ProducerMetricsSnapshot> = this.counters.snapshots$;
  /** Engine work run from callbacks (a throw is fatal, never lost); afterTurn: once the turn ends. */
  readonly turns = new EngineTurns((error) =>
    this.fatal(producerFailure(error, this.options.address.streamName)),
  );

  constructor(
    options: ProducerOptions<T>,
    private readonly hooks: ProducerEngineHooks<T>,
  ) {
    this.options = resolveProducerOptions(options);
    const { address } = this.options;
    const { client, ownsClient, calls, connection } = engineConnection(options, this.options);
    this.client = client;
    this.ownsClient = ownsClient;
    this.calls = calls;
    this.scheduler = this.options.scheduler;
    const now = () => this.scheduler.now();
    this.predictor = new ShardPredictor(
      this.client,
      address,
      now,
      this.options.shardMapRefreshInterval,
      this.calls,
    );
    const offload = digestOffloadFor(this.scheduler);
    this.digests = new RecordDigests(offload, () => this.turns.run(() => this.sendLoop.pump()));
    this.batcher = new RecordBatcher<T>(
      this.options.processor,
      batchLimitsOf(this.options),
      this.digests.sink,
      this.predictor,
    );
    const sender = new PutRecordsSender<T>(
      this.client,
      address,
      retryPolicyOf(this.options),
      now,
      this.calls,
      connection,
      (records) => this.counters.countResend(records.map((record) => record.laneId)),
    );
    this.preparer = new ItemPreparer<T>(this.options, this.predictor, this.counters, this.batcher);
    this.queue = new ProducerQueue<T>(this.options, this.counters, hooks);
    const log = (level: LogLevel, message: string, details: LogDetails) => this.log(level, message, details);
    const guard = (work: () => void) => this.turns.run(work);
    const disposed = () => this.disposed;
    const shardMapLoaded = () => {
      this.counters.countShardMapRefresh();
      this.queue.sizeFor(this.predictor.shardCount);
      relaneWaitingResends(this.predictor, this.batcher, this.options.preserveOrder);
      forgetGoneShards(this.predictor, this.batcher, this.counters);
    };
    this.failures = new ItemFailures<T>(this.options, this.counters, hooks, this.queue, log);
    const settlement = new DeliverySettlement<T>(
      this.options,
      this.counters,
      hooks,
      this.queue,
      guard,
      (error) => this.fatal(error),
    );
    this.sendLoop = new SendLoop<T>(
      this.options,
      this.scheduler,
      this.predictor,
      this.batcher,
      sender,
      this.counters,
      this.failures,
      settlement,
      {
        ready: () => this.state === 'ready' && !this.disposed,
        disposed,
        guard,
        log,
        shardMapLoaded,
        // An answer without a delivered or failed item settles nothing, yet it may end sendBound.
        callAnswered: () => hooks.spaceAvailable?.(),
      },
    );
    this.placer = new ItemPlacer<T>(
      this.options,
      this.predictor,
      this.batcher,
      this.preparer,
      this.sendLoop,
      this.failures,
    );
    this.fullQueue = new FullQueueRelease<T>(this.batcher, this.queue, this.sendLoop);
    this.aborter = new ProducerAbort<T>(
      address.streamName,
      this.batcher,
      this.sendLoop,
      settlement,
      this.failures,
      this.counters,
    );
    this.startup = new StreamStartup<T>(
      this.client,
      this.options,
      this.scheduler,
      this.predictor,
      connection,
      {
        disposed,
        guard,
        log,
        shardMapLoaded,
        becomeReady: () => this.becomeReady(),
        breakDown: (error, attempts, retryLimitReached) => this.breakDown(error, attempts, retryLimitReached),
        failIncoming: (error, attempts, retryLimitReached) =>
          this.failIncoming(error, attempts, retryLimitReached),
      },
      this.calls,
    );
    this.startup.start();
  }

  /** Items accepted and not yet delivered or failed. */
  get queuedItems(): number {
    return this.queue.items;
  }

  /** Bytes (data + partition keys) accepted and not yet delivered or failed. */
  get queuedBytes(): number {
    return this.queue.bytes;
  }

  metrics(): ProducerMetricsSnapshot {
    return this.counters.snapshot();
  }

  /** An item toKinesis() refused for want of room (`overflow: 'error'`): reported failed, so counted. */
  countRefused(): void {
    this.counters.countUnaccepted(UNASSIGNED_SHARD, this.scheduler);
  }

  /**
   * Serializes and keys an item without accepting it. Throws InvalidPartitionKeyError,
   * InvalidExplicitHashKeyError, ItemSerializationError or ItemTooLargeError, naming `index`.
   */
  prepare(item: T, index: number): PreparedItem<T> {
    return this.preparer.prepare(item, index);
  }

  /**
   * True if an item of `size` bytes fits in the queue now; without a size, whether any item could
   * (so that one is refused before it is serialized and keyed). When not, the queue is full: what
   * it holds is sent at once (see FullQueueRelease).
   */
  hasRoomFor(size?: number): boolean {
    if (size === undefined ? !this.queue.full : this.queue.hasRoomFor(size)) return true;
    this.fullQueue.full();
    return false;
  }

  /**
   * True while every call slot is taken and a PutRecords call's worth of records is ready for
   * the next free one: Producer.put() then waits (see there), as more items would only queue.
   */
  get sendBound(): boolean {
    return this.state === 'ready' && this.sendLoop.saturated;
  }

  /**
   * True before the first shard map once batchSize items wait for it (Producer.put() then waits):
   * a queue's worth of items that can only wait outlives young-generation collections, which can
   * make V8 allocate the application's later items in the old generation (docs/benchmarks.md).
   */
  get mapBound(): boolean {
    return this.state === 'starting' && this.incoming.length >= this.options.batchSize;
  }

  /** Accepts an item (hasRoomFor checked), reported exactly once; `keyedBeforeMap`: ItemPreparer.rekey(). */
  accept(prepared: PreparedItem<T>, keyedBeforeMap = false): void {
    if (keyedBeforeMap && this.state === 'ready') this.preparer.rekey(prepared);
    const queued = this.queue.admit(prepared);
    if (this.state === 'broken') {
      this.failures.failBroken(queued, this.brokenBy);
    } else if (this.state === 'starting') {
      this.incoming.push(queued);
    } else {
      this.placer.place(queued);
      this.fullQueue.accepted();
      // Another item like this one would not fit: the queue is most likely full already.
      if (!this.queue.hasRoomFor(prepared.size)) this.fullQueue.full();
    }
  }

  /** Sends all items accepted so far now (not at bufferTime); `done` once all are settled (or at once). */
  flush(done: () => void = () => undefined): void {
    if (this.queue.addFlush(done) && this.state === 'ready') this.sendLoop.release();
  }

  /**
   * Stops every timer, aborts every call still in flight (a late answer changes nothing) and
   * makes no new one. Resolves once the checksum thread (if one started) has stopped too. Items
   * not yet settled are abandoned unreported, or with `abort`, reported at once (ProducerAbort):
   * each fails with ProducerAbortedError (`deliveryUnknown` if its call was in flight), but
   * those of calls whose afterFlush has not finished, delivered. Nothing of them is kept.
   */
  dispose(abort = false): Promise<void> {
    if (this.disposed) return this.digestsClosed;
    this.disposed = true;
    this.startup.stop();
    this.sendLoop.dispose();
    this.calls.stop();
    const unplaced = this.incoming;
    this.incoming = [];
    const aborted = abort ? this.aborter.failAll(unplaced) : undefined;
    const { items, records, failures } = this.counters.snapshot().totals;
    const left = aborted ?? { abandoned: this.queue.items };
    this.log('info', abort ? 'producer aborted' : 'producer closed', { items, records, failures, ...left });
    this.digestsClosed = this.digests.close();
    this.counters.publish();
    // Disposed from inside a turn (one of its own reports), the rest of that turn settles more.
    this.turns.afterTurn(() => {
      this.counters.publishIfChanged();
      this.counters.complete();
    });
    if (this.ownsClient) this.client.destroy();
    return this.digestsClosed;
  }

  private becomeReady(): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    this.log('info', 'producer ready', { shards: this.predictor.shardCount });
    const incoming = this.incoming;
    this.incoming = [];
    for (const item of incoming) {
      this.preparer.rekey(item);
      this.placer.place(item);
    }
    if (incoming.some((item) => this.queue.flushRequested(item))) this.sendLoop.release();
    else {
      this.sendLoop.ensureBufferTimer();
      const last = incoming[incoming.length - 1];
      if (last !== undefined && !this.queue.hasRoomFor(last.size)) this.fullQueue.full();
    }
    // Producer.put() calls waiting for the shard map (see mapBound) may come in now.
    if (incoming.length >= this.options.batchSize) this.hooks.shardMapArrived?.();
  }

  /** The first shard map could not be loaded: every item, now and later, fails with `error`. */
  private breakDown(error: RxjsKinesisError, attempts: number, retryLimitReached: boolean): void {
    if (this.disposed) return;
    this.state = 'broken';
    this.brokenBy = error;
    this.log('error', 'producer cannot deliver: every item fails', { attempts, error });
    this.failIncoming(error, attempts, retryLimitReached);
  }

  /** Fails every item waiting for the first shard map with `error`. */
  private failIncoming(error: RxjsKinesisError, attempts: number, retryLimitReached: boolean): void {
    const incoming = this.incoming;
    this.incoming = [];
    this.failures.failUnsent(incoming, error, attempts, retryLimitReached);
  }

  private fatal(error: RxjsKinesisError): void {
    this.log('error', 'producer error', { error });
    this.hooks.fatal(error);
  }

  /** Writes a log line naming the stream (nothing without a logger option). */
  private log(level: LogLevel, message: string, details: LogDetails): void {
    producerLog(this.options.logger, this.options.address.streamName, level, message, details);
  }
}
