import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SchedulerAction, Subscriber, Subscription } from 'rxjs';
import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import { isLeaseCoordinator } from '../checkpointers/LeaseCoordinator.js';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { classifyError } from '../kinesis/classifyError.js';
import { createKinesisClient } from '../kinesis/createKinesisClient.js';
import { writeLog } from '../logging/writeLog.js';
import { buildStats } from './buildStats.js';
import { ConsumerFinalWrites } from './ConsumerFinalWrites.js';
import { CheckpointerHealth } from './CheckpointerHealth.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { CheckpointSink } from './ConsumerLink.js';
import type { ConsumerStats } from './ConsumerStats.js';
import { enhancedFanOutParts } from './enhancedFanOutParts.js';
import { CheckpointerMisconfiguredError } from './errors/CheckpointerMisconfiguredError.js';
import { CheckpointerUnavailableError } from './errors/CheckpointerUnavailableError.js';
import { InFlightGate } from './InFlightGate.js';
import type { KinesisConsumerOptions } from './KinesisConsumerOptions.js';
import type { KinesisRecord } from './KinesisRecord.js';
import { LeaseBalancer } from './LeaseBalancer.js';
import { LeaseManager } from './LeaseManager.js';
import { LocalAssignment } from './LocalAssignment.js';
import { RecordFanOut } from './RecordFanOut.js';
import { RunWaits } from './RunWaits.js';
import type { ShardAssignment } from './ShardAssignment.js';
import { forgetGoneShards } from './forgetGoneShards.js';
import { goneShardCleanup, type GoneShardCleanup } from './GoneShardCleanup.js';
import { ShardDirectory } from './ShardDirectory.js';
import { createShardReader } from './ShardReader.js';
import { callerClientDeadline } from './CallerClientDeadline.js';
import { createConsumerStream, firstListing } from './consumerStreamWait.js';
import { ShardReadings } from './ShardReadings.js';
import { schedulerTimer } from './schedulerTimer.js';
import { pollingSource } from './pollingSource.js';
import type { StreamConsumerRegistration } from './StreamConsumerRegistration.js';

/**
 * One run of a fromKinesis() consumer: a thin coordinator that starts the shard directory, the
 * shard assignment and one ShardReading per leased shard, fans records out to the subscribers
 * (RecordFanOut), and whose stop() waits for everything it started (passes, readings' last
 * writes, lease releases, group leave), at most `finalWritesTimeoutMs` past the pipelines.
 */
export class KinesisConsumer {
  readonly checkpointer: Checkpointer;
  private readonly options: ResolvedConsumerOptions;
  private readonly streamName: string;
  private readonly client: KinesisClient;
  private readonly gate: InFlightGate;
  private readonly leases: LeaseManager;
  private readonly directory: ShardDirectory;
  private readonly cleanup: GoneShardCleanup;
  private readonly assignment: ShardAssignment;
  private readonly fanOut: RecordFanOut;
  private readonly health: CheckpointerHealth;
  private readonly shards: ShardReadings;
  private readonly emitEvent: (event: ConsumerEvent) => void;
  /** With enhancedFanOut: the stream consumer, and the HTTP/2 client this run built for it. */
  private readonly registration: StreamConsumerRegistration | undefined;
  private readonly subscriptionClient: KinesisClient | undefined;
  private running = false;
  private stopping: Promise<void> | undefined;
  private refreshTimer: Subscription | undefined;
  /** Ends the start-up's wait for the stream (createStream): its calls and its polling. */
  private readonly startup = new AbortController();
  private readonly waits: RunWaits;
  /** The stop's last writes; the lease calls (LeaseManager, LeaseBalancer) go through its fence. */
  private readonly finalWrites: ConsumerFinalWrites;
  /** consumer-stopped was emitted (or the run stopped without starting): no event comes after it. */
  private over = false;
  /** consumer-started was emitted: only then does the stop emit consumer-stopped (pairs). */
  private started = false;
  private resolveStopped: () => void = () => undefined;
  /**
   * Resolves once this run stopped: last checkpoints written, leases released, group left (or
   * finalWritesTimeoutMs passed first: final-writes-timeout names what was left).
   */
  readonly stopped: Promise<void>;

  constructor(config: KinesisConsumerOptions) {
    const { options } = config;
    this.options = options;
    this.streamName = options.address.streamName;
    this.checkpointer = config.checkpointer;
    this.emitEvent = (event) => {
      if (!this.over) config.onEvent(event);
    };
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.waits = new RunWaits(options.scheduler);
    const region = options.region ?? options.address.region;
    this.client = createKinesisClient({
      ...(options.client === undefined ? {} : { client: options.client }),
      ...(region ? { region } : {}),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      connectTimeout: options.connectTimeout,
      requestTimeout: options.requestTimeout,
    });
    const reader =
      config.reader ?? createShardReader(this.client, options.address, callerClientDeadline(options));
    this.gate = new InFlightGate({
      records: options.maxQueueSize,
      items: options.maxQueueItems,
      bytes: options.maxQueueBytes,
      ...(options.maxQueueSizeScales === true ? { recordsPerShard: options.recordLimit } : {}),
    });
    this.finalWrites = new ConsumerFinalWrites(this.checkpointer, options, this.emitEvent);
    const fenced = this.finalWrites.fenced;
    const coordinator = isLeaseCoordinator(fenced) ? fenced : undefined;
    const common = { streamName: this.streamName, workerId: options.workerId, scheduler: options.scheduler };
    this.leases = new LeaseManager({
      ...common,
      checkpointer: fenced,
      ...(coordinator === undefined ? {} : { coordinator }),
      lineageOf: (shardId) => this.directory.lineageOf(shardId),
      health: { ok: () => this.checkpointerOk(), failed: (error) => this.checkpointerFailed(error) },
      onEvent: this.emitEvent,
      onLost: (shardId, error) => {
        this.shards.readings.get(shardId)?.leaseLost(error);
        this.assignment.trigger();
      },
    });
    this.directory = new ShardDirectory(this.client, options, this.emitEvent, (ms) => this.waits.wait(ms));
    this.cleanup = goneShardCleanup(fenced, options, () => this.running);
    this.fanOut = new RecordFanOut(
      config.tracked,
      this.streamName,
      options.processor,
      this.gate,
      options.scheduler,
      config.tap,
      () => {
        for (const reading of [...this.shards.readings.values()]) reading.distrust();
      },
      // The leases stay renewed meanwhile; a lease's length is the most a pipeline may keep them.
      this.checkpointer.leaseDurationMs,
    );
    if (config.tracked)
      this.gate.onFull = () => this.fanOut.reportBehind(this.shards.readings.values(), this.emitEvent);
    const { name } = this.checkpointer;
    const timeoutMs = options.checkpointerTimeoutMs;
    this.health = new CheckpointerHealth(
      timeoutMs,
      options.scheduler,
      (cause) => this.fail(new CheckpointerUnavailableError(name, timeoutMs, cause, this.streamName)),
      (cause) => this.fail(new CheckpointerMisconfiguredError(name, cause, this.streamName)),
    );
    let source = config.source ?? pollingSource(reader, options);
    if (options.enhancedFanOut !== undefined) {
      const parts = enhancedFanOutParts({
        options,
        fanOut: options.enhancedFanOut,
        client: this.client,
        region,
        onEvent: this.emitEvent,
        source: config.source,
        subscriber: config.subscriber,
        onStreamCreated: (createdAt) => this.directory.streamCreated(createdAt),
      });
      this.registration = parts.registration;
      this.subscriptionClient = parts.subscriptionClient;
      source = parts.source;
    }
    this.shards = new ShardReadings({
      options,
      checkpointer: this.checkpointer,
      leases: this.leases,
      directory: this.directory,
      gate: this.gate,
      fanOut: this.fanOut,
      source,
      health: this.health,
      onEvent: this.emitEvent,
      running: () => this.running,
      onError: (error) => this.fail(error),
      onFinished: (relist) => (relist ? void this.refresh() : this.assignment.trigger()),
      onStale: () => void this.refresh(),
      timer: schedulerTimer(options.scheduler),
    });
    const assignment = { leases: this.leases, host: this.shards, onEvent: this.emitEvent };
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
            takeoverGraceMs: options.takeoverGraceMs,
          });
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

  /**
   * A new run is asked for while this one waits for its last subscriber's pipeline to finish
   * (retry() or repeat() before checkpoint() resubscribed the consumer while that checkpoint()
   * stays open): stop without waiting, so the new run can start once this one stopped.
   */
  endDeparture(): void {
    this.fanOut.endDeparture();
  }

  /** Removes a direct subscriber (its claims on records are released); the last one stops the run. */
  removeSubscriber(subscriber: Subscriber<KinesisRecord>, ledgerId: number): void {
    if (this.fanOut.remove(subscriber, ledgerId, this.shards.readings.values())) void this.stop();
  }

  stats(): ConsumerStats {
    return buildStats({
      streamName: this.streamName,
      workerId: this.options.workerId,
      running: this.running,
      gate: this.gate,
      counters: this.shards.counters,
      readings: this.shards.readings,
      isEnded: (shardId) => this.directory.isEnded(shardId),
    });
  }

  /**
   * Stops the run and waits for everything it started. Idempotent. Once the last subscriber's
   * pipeline finished its records, the final writes (last checkpoints, lease releases, leaving
   * the group, deregistering) have `finalWritesTimeoutMs`; past it the run is cut short (see
   * ConsumerFinalWrites) and stops without them.
   */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    this.running = false;
    this.refreshTimer?.unsubscribe();
    this.waits.endAll();
    this.health.stop();
    this.registration?.cancel();
    this.startup.abort();
    // Nothing more is read from now on: a page answered meanwhile would reach no subscriber, and
    // the end of a shard found with it would be marked although its records were never handled.
    for (const reading of this.shards.readings.values()) reading.quiesce();
    this.stopping = (async () => {
      // The last subscriber's pipeline finishes the records it took first (see RecordFanOut.departed).
      await this.fanOut.departed();
      const { assignment, shards, leases, registration, cleanup, directory } = this;
      await this.finalWrites.run({ assignment, shards, leases, registration, cleanup, directory });
      this.subscriptionClient?.destroy();
      if (this.options.client === undefined) this.client.destroy();
      const { streamName, started } = this;
      if (started) this.emitEvent({ type: 'consumer-stopped', streamName, workerId: this.options.workerId });
    })().finally(() => {
      this.over = true;
      this.resolveStopped();
    });
    return this.stopping;
  }

  // AssignmentHost

  checkpointerFailed(error: unknown): void {
    if (this.running) this.health.failed(error);
  }

  checkpointerOk(): void {
    this.health.ok();
  }

  // Lifecycle

  private start(after: Promise<void>): void {
    this.running = true;
    void (async () => {
      await after;
      if (!this.running) return;
      try {
        if (this.options.createStream) {
          await createConsumerStream(this.client, this.options, this.startup.signal);
        }
      } catch (error) {
        this.fail(classifyError(error, { streamName: this.streamName }));
        return;
      }
      if (!this.running) return;
      if (this.registration !== undefined) {
        try {
          await this.registration.ensure();
        } catch (error) {
          this.fail(classifyError(error, { streamName: this.streamName }));
          return;
        }
        if (!this.running) return;
      }
      this.started = true;
      this.emitEvent({
        type: 'consumer-started',
        streamName: this.streamName,
        workerId: this.options.workerId,
      });
      const error = await firstListing(this.directory, this.client, this.options, this.startup.signal);
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
    if (error === undefined) forgetGoneShards(this.directory, this.shards, this.leases, this.cleanup);
    if (error !== undefined && !error.retriable) this.fail(error);
    if (this.running) this.assignment.trigger();
  }

  private fail(error: RxjsKinesisError): void {
    if (!this.running) return;
    this.running = false;
    writeLog(this.options.logger, 'error', 'consumer failed', { streamName: this.streamName, error });
    void this.stop();
    this.fanOut.error(error);
  }
}
