import {
  DescribeStreamSummaryCommand,
  type DescribeStreamSummaryCommandOutput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { backoffDelay } from '../kinesis/backoff.js';
import { classifyError } from '../kinesis/classifyError.js';
import { createKinesisClient } from '../kinesis/createKinesisClient.js';
import { ensureStream } from '../kinesis/ensureStream.js';
import { ConnectionError } from '../kinesis/errors/ConnectionError.js';
import { StreamNotActiveError } from '../kinesis/errors/StreamNotActiveError.js';
import { StreamNotFoundError } from '../kinesis/errors/StreamNotFoundError.js';
import { ThrottledError } from '../kinesis/errors/ThrottledError.js';
import { streamParams } from '../kinesis/streamAddress.js';
import { parseExplicitHashKey, validatePartitionKey } from '../kinesis/hashKey.js';
import { type LogDetails, writeLog } from '../logging/writeLog.js';
import type { LogLevel } from '../logging/Logger.js';
import { RecordTooLargeError } from '../processors/errors/RecordTooLargeError.js';
import type { DeliveredReport, DeliveryReport } from './DeliveryReport.js';
import { AfterFlushError } from './errors/AfterFlushError.js';
import { describeEndpoint } from './describeEndpoint.js';
import { DeliveryFailedError } from './errors/DeliveryFailedError.js';
import { DeliveryRetryLimitError } from './errors/DeliveryRetryLimitError.js';
import { InvalidExplicitHashKeyError } from './errors/InvalidExplicitHashKeyError.js';
import { InvalidPartitionKeyError } from './errors/InvalidPartitionKeyError.js';
import { ItemSerializationError } from './errors/ItemSerializationError.js';
import { ItemTooLargeError } from './errors/ItemTooLargeError.js';
import type { OutgoingRecord, PreparedItem, QueuedItem } from './OutgoingRecord.js';
import { ProducerMetrics, type ProducerMetricsSnapshot } from './ProducerMetrics.js';
import {
  resolveProducerOptions,
  type ProducerOptions,
  DEFAULT_MIN_QUEUE_ITEMS,
  type ResolvedProducerOptions,
} from './ProducerOptions.js';
import { PutRecordsSender, type SendResult } from './PutRecordsSender.js';
import { randomPartitionKey } from './randomPartitionKey.js';
import { RecordBatcher } from './RecordBatcher.js';
import { ShardPredictor, UNASSIGNED_SHARD } from './ShardPredictor.js';

/** What the engine tells its owner (the toKinesis() operator or a Producer). */
export interface ProducerEngineHooks<T> {
  /** Every accepted item ends here exactly once, as delivered or failed. */
  report(report: DeliveryReport<T>): void;
  /** Items left the queue: there may be room for more. */
  spaceAvailable?(): void;
  /** Something outside the items failed (afterFlush threw, or an internal error). */
  fatal(error: RxjsKinesisError): void;
}

interface FlushWaiter {
  readonly upTo: number;
  remaining: number;
  readonly done: () => void;
}

/** A delivered item's report; `position` -1 when the record holds only this item. */
function deliveredReport<T>(
  item: QueuedItem<T>,
  shardId: string,
  sequenceNumber: string,
  position: number,
  attempts: number,
  possibleDuplicate: boolean,
): DeliveredReport<T> {
  const { explicitHashKey } = item;
  if (position === -1 && explicitHashKey === undefined) {
    return {
      status: 'delivered',
      item: item.item,
      index: item.index,
      shardId,
      sequenceNumber,
      partitionKey: item.partitionKey,
      attempts,
      possibleDuplicate,
    };
  }
  const report: { -readonly [K in keyof DeliveredReport<T>]: DeliveredReport<T>[K] } = {
    status: 'delivered',
    item: item.item,
    index: item.index,
    shardId,
    sequenceNumber,
    partitionKey: item.partitionKey,
    attempts,
    possibleDuplicate,
  };
  if (position !== -1) report.subSequenceNumber = position;
  if (explicitHashKey !== undefined) report.explicitHashKey = explicitHashKey;
  return report;
}

/** Longest wait between two looks at a stream that does not exist or is not ACTIVE yet. */
const STREAM_LOOKUP_MAX_DELAY_MS = 1000;

/** Wait before reloading the shard map after an answer showed a resharding. */
const RESHARD_REFRESH_MIN_INTERVAL_MS = 1000;

/**
 * The producer: serializes and keys items, aggregates them per predicted shard, cuts PutRecords
 * batches (batchSize, maxRequestBytes, bufferTime), paces them with per-shard records/s and
 * bytes/s budgets, re-sends only failed entries with back-off, and reports every accepted item
 * once. Every timer runs on `options.scheduler`; nothing is awaited, so under a TestScheduler the
 * engine runs entirely in virtual time. Used by toKinesis() and by Producer.
 */
export class ProducerEngine<T> {
  readonly options: ResolvedProducerOptions<T>;
  private readonly client: KinesisClient;
  private readonly ownsClient: boolean;
  private readonly scheduler: SchedulerLike;
  private readonly predictor: ShardPredictor;
  private readonly batcher: RecordBatcher<T>;
  private readonly sender: PutRecordsSender<T>;
  private readonly counters = new ProducerMetrics();

  private state: 'starting' | 'ready' | 'broken' = 'starting';
  private brokenBy: RxjsKinesisError | undefined;
  private incoming: QueuedItem<T>[] = [];
  private seq = 0;
  private queueItems = 0;
  private queueBytes = 0;
  private inFlight = 0;
  private flushUpTo = 0;
  private waiters: FlushWaiter[] = [];
  private bufferTimer: Subscription | undefined;
  private wakeTimer: { at: number; subscription: Subscription } | undefined;
  private pumping = false;
  private pumpAgain = false;
  private disposed = false;
  private lastRefreshRequest = Number.NEGATIVE_INFINITY;
  /** The item bound in force: maxQueueSize, or with its default, 10,000 per known shard. */
  private maxQueueItems: number;
  private readonly aggregates: boolean;
  private readonly startedAt: number;
  private readonly endpointOptions: { readonly endpoint?: string; readonly region?: string };
  /** When connection failures began with no answer from Kinesis since (undefined: none). */
  private connectionFailingSince: number | undefined;
  private sawMissingStream = false;
  /** The default key of aggregated items, and the bytes of items that used it. */
  private runKey: string | undefined;
  private runBytes = 0;

  constructor(
    options: ProducerOptions<T>,
    private readonly hooks: ProducerEngineHooks<T>,
  ) {
    this.options = resolveProducerOptions(options);
    const { address } = this.options;
    this.ownsClient = options.client === undefined;
    this.client = createKinesisClient({
      ...options,
      ...(options.region === undefined && address.region !== undefined ? { region: address.region } : {}),
    });
    this.scheduler = this.options.scheduler;
    this.maxQueueItems = this.options.queueScalesWithShards
      ? Math.max(DEFAULT_MIN_QUEUE_ITEMS, this.options.maxQueueSize)
      : this.options.maxQueueSize;
    this.aggregates = this.options.processor.aggregator.aggregates;
    this.startedAt = this.scheduler.now();
    this.endpointOptions = {
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.region === undefined ? {} : { region: options.region }),
    };
    const now = () => this.scheduler.now();
    this.predictor = new ShardPredictor(this.client, address, now, this.options.shardMapRefreshInterval);
    this.batcher = new RecordBatcher<T>(this.options.processor.aggregator, {
      batchSize: this.options.batchSize,
      maxRequestBytes: this.options.maxRequestBytes,
      maxRecordBytes: this.options.maxRecordBytes,
      recordsPerSecond: this.options.putRateLimitPerShard,
      bytesPerSecond: this.options.putBandwidthPerShard,
      preserveOrder: this.options.preserveOrder,
    });
    this.sender = new PutRecordsSender<T>(
      this.client,
      address,
      {
        retryLimit: this.options.retryLimit,
        baseMs: this.options.expoBackoff,
        capMs: this.options.expoBackoffLimit,
        random: this.options.random,
      },
      now,
    );
    this.start();
  }

  /** Items accepted and not yet delivered or failed. */
  get queuedItems(): number {
    return this.queueItems;
  }

  /** Bytes (data + partition keys) accepted and not yet delivered or failed. */
  get queuedBytes(): number {
    return this.queueBytes;
  }

  metrics(): ProducerMetricsSnapshot {
    return this.counters.snapshot();
  }

  get metrics$(): Observable<ProducerMetricsSnapshot> {
    return this.counters.snapshots$;
  }

  /**
   * Serializes and keys an item without accepting it. Throws InvalidPartitionKeyError,
   * InvalidExplicitHashKeyError, ItemSerializationError or ItemTooLargeError, naming `index`.
   */
  prepare(item: T, index: number): PreparedItem<T> {
    try {
      return this.prepareOrThrow(item, index);
    } catch (error) {
      this.counters.add(UNASSIGNED_SHARD, 'failures');
      throw error;
    }
  }

  /** True if an item of `size` bytes fits in the queue now. */
  hasRoomFor(size: number): boolean {
    if (this.queueItems >= this.maxQueueItems) return false;
    return this.queueItems === 0 || this.queueBytes + size <= this.options.maxQueueBytes;
  }

  /** Accepts a prepared item (the caller checked hasRoomFor). It will be reported exactly once. */
  accept(prepared: PreparedItem<T>): void {
    this.seq += 1;
    const queued: QueuedItem<T> = prepared;
    queued.seq = this.seq;
    this.queueItems += 1;
    this.queueBytes += prepared.size;
    this.counters.setQueue(this.queueItems, this.queueBytes);
    if (this.state === 'broken') {
      const failed = [{ item: queued.item, index: queued.index }];
      this.failItems([queued], new DeliveryFailedError(failed, 0, this.brokenBy), UNASSIGNED_SHARD);
    } else if (this.state === 'starting') {
      this.incoming.push(queued);
    } else {
      this.place(queued);
      // A full queue cannot fill any further: send what it holds instead of waiting for bufferTime.
      if (this.queueItems >= this.maxQueueItems || this.queueBytes >= this.options.maxQueueBytes) {
        this.release();
      }
    }
  }

  /**
   * Sends everything accepted so far without waiting for bufferTime, and calls `done` once all
   * of it is delivered or failed (at once if nothing is pending).
   */
  flush(done: () => void = () => undefined): void {
    this.flushUpTo = this.seq;
    if (this.queueItems === 0) {
      done();
      return;
    }
    this.waiters.push({ upTo: this.seq, remaining: this.queueItems, done });
    if (this.state === 'ready') this.release();
  }

  /** Stops every timer and ignores answers still to come. Items not yet settled are abandoned. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const { items, records, failures } = this.counters.snapshot().totals;
    this.log('info', 'producer closed', { items, records, failures, abandoned: this.queueItems });
    this.bufferTimer?.unsubscribe();
    this.wakeTimer?.subscription.unsubscribe();
    this.bufferTimer = undefined;
    this.wakeTimer = undefined;
    this.counters.publish();
    this.counters.complete();
    if (this.ownsClient) this.client.destroy();
  }

  private prepareOrThrow(item: T, index: number): PreparedItem<T> {
    const { options } = this;
    const context = { streamName: options.address.streamName };
    let partitionKey: unknown;
    try {
      const option = options.partitionKey;
      if (typeof option === 'function') {
        partitionKey = option(item, index);
        validatePartitionKey(partitionKey);
      } else {
        partitionKey = option ?? this.randomKey();
      }
    } catch (error) {
      throw new InvalidPartitionKeyError(item, index, partitionKey, error, context);
    }
    const key = partitionKey as string;
    let explicitHashKey: string | undefined;
    if (options.explicitHashKey !== undefined) {
      let value: unknown;
      try {
        value = options.explicitHashKey(item, index);
        if (value !== undefined) parseExplicitHashKey(value);
      } catch (error) {
        throw new InvalidExplicitHashKeyError(item, index, value, error, context);
      }
      explicitHashKey = value as string | undefined;
    }
    let data: Uint8Array;
    try {
      data = options.processor.serializer.serialize(item);
      if (!(data instanceof Uint8Array)) throw new TypeError('the serializer did not return a Uint8Array');
    } catch (error) {
      throw new ItemSerializationError(item, index, error, context);
    }
    const size = data.byteLength + Buffer.byteLength(key, 'utf8');
    if (size > options.maxRecordBytes) {
      throw new ItemTooLargeError(item, index, size, options.maxRecordBytes, { context });
    }
    if (options.partitionKey === undefined) this.runBytes += size;
    return { item, index, data, partitionKey: key, explicitHashKey, size, seq: 0 };
  }

  /**
   * The default partition key: random per item; with an aggregating processor, one random key
   * per record's worth of items (it is renewed once maxRecordBytes of items used it), each one
   * drawn for the next shard in turn. Only the first item's key travels with a framed record, a
   * KPL record's key table then holds one key instead of one per item, and the records spread
   * evenly over the shards.
   */
  private randomKey(): string {
    if (!this.aggregates) return randomPartitionKey(this.options.random);
    if (this.runKey === undefined || this.runBytes >= this.options.maxRecordBytes) {
      this.runKey = this.predictor.keyForNextShard(() => randomPartitionKey(this.options.random));
      this.runBytes = 0;
    }
    return this.runKey;
  }

  private start(): void {
    this.log('info', 'producer started', { endpoint: this.endpointDescription() });
    const load = () => this.loadShardMap(0);
    if (!this.options.createStream) {
      load();
      return;
    }
    ensureStream(this.client, this.options.address, {
      create: true,
      shardCount: this.options.createStreamShards,
      connectionFailureTimeoutMs: this.options.connectionFailureTimeout,
    }).then(
      () => this.guard(load),
      (error: unknown) => this.guard(() => this.breakDown(classifyError(error), 1, false)),
    );
  }

  private loadShardMap(attempt: number): void {
    this.predictor.load((error) =>
      this.guard(() => {
        if (this.disposed) return;
        if (error === undefined) {
          this.connectionFailingSince = undefined;
          this.counters.countShardMapRefresh();
          this.sizeQueue();
          if (this.sawMissingStream) this.awaitActive(0);
          else this.becomeReady();
          return;
        }
        const classified = classifyError(error, { streamName: this.options.address.streamName });
        const now = this.scheduler.now();
        if (classified instanceof ConnectionError) {
          // Items waiting for the first shard map fail once the failures last too long; the
          // producer keeps looking, so it recovers when the network does.
          const given = this.connectionGiveUp(classified, now);
          if (given !== undefined) this.failIncoming(given, attempt + 1, false);
        } else {
          this.connectionFailingSince = undefined;
        }
        const missing =
          classified instanceof StreamNotFoundError || classified instanceof StreamNotActiveError;
        if (missing) {
          // Created before its stream (or while it is CREATING): look again until streamWaitTime.
          this.sawMissingStream = true;
          if (now - this.startedAt >= this.options.streamWaitTime) {
            return this.breakDown(classified, attempt + 1, false);
          }
        } else {
          if (!classified.retriable) return this.breakDown(classified, attempt + 1, false);
          if (attempt >= this.options.retryLimit) return this.breakDown(classified, attempt + 1, true);
        }
        const delayMs = this.lookupDelay(attempt, missing, now);
        this.log(missing ? 'debug' : 'warn', 'retrying shard map load', {
          attempt: attempt + 1,
          delayMs,
          error: classified,
        });
        this.scheduler.schedule(() => this.guard(() => this.loadShardMap(attempt + 1)), delayMs);
      }),
    );
  }

  /** Back-off before looking the stream up again; while waiting for a stream, at most 1 s and never past the wait. */
  private lookupDelay(attempt: number, waitingForStream: boolean, now: number): number {
    const delay = backoffDelay(attempt, {
      baseMs: this.options.expoBackoff,
      capMs: this.options.expoBackoffLimit,
      random: this.options.random,
    });
    if (!waitingForStream) return delay;
    const left = this.startedAt + this.options.streamWaitTime - now;
    return Math.max(0, Math.min(delay, STREAM_LOOKUP_MAX_DELAY_MS, left));
  }

  /**
   * After the stream was first found missing, it may still be CREATING (ListShards answers, but
   * PutRecords would be refused): wait until DescribeStreamSummary says it can take writes.
   */
  private awaitActive(attempt: number): void {
    const done = (ready: boolean, error?: RxjsKinesisError) =>
      this.guard(() => {
        if (this.disposed) return;
        if (ready) return this.becomeReady();
        const now = this.scheduler.now();
        if (now - this.startedAt >= this.options.streamWaitTime) {
          return this.breakDown(
            error ??
              new StreamNotActiveError(
                `Stream ${this.options.address.streamName} did not become ACTIVE within ${this.options.streamWaitTime} ms`,
                { context: { streamName: this.options.address.streamName } },
              ),
            attempt + 1,
            false,
          );
        }
        this.scheduler.schedule(
          () => this.guard(() => this.awaitActive(attempt + 1)),
          this.lookupDelay(attempt, true, now),
        );
      });
    let answer: PromiseLike<DescribeStreamSummaryCommandOutput>;
    try {
      answer = this.client.send(new DescribeStreamSummaryCommand(streamParams(this.options.address)));
    } catch {
      done(true);
      return;
    }
    answer.then(
      (output) => {
        const status = output.StreamDescriptionSummary?.StreamStatus;
        done(status === undefined || status === 'ACTIVE' || status === 'UPDATING');
      },
      (error: unknown) => {
        const classified = classifyError(error, { streamName: this.options.address.streamName });
        const missing =
          classified instanceof StreamNotFoundError || classified instanceof StreamNotActiveError;
        // Anything else (e.g. no permission for DescribeStreamSummary): let PutRecords tell.
        done(!missing, classified);
      },
    );
  }

  /**
   * Connection failures have gone on since `connectionFailingSince`: once that passes
   * connectionFailureTimeout, returns the ConnectionError (naming the endpoint and the cause)
   * pending items fail with; else undefined.
   */
  private connectionGiveUp(error: RxjsKinesisError, now: number): ConnectionError | undefined {
    this.connectionFailingSince ??= now;
    const failingFor = now - this.connectionFailingSince;
    if (failingFor < this.options.connectionFailureTimeout) return undefined;
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    return new ConnectionError(
      `Kinesis at ${this.endpointDescription()} could not be reached for ${Math.round(failingFor / 1000)} s: ${cause}`,
      { cause: error, context: { streamName: this.options.address.streamName } },
    );
  }

  /** The endpoint in use, for messages: the configured URL without user info, or the region. */
  private endpointDescription(): string {
    const { endpoint, region } = this.endpointOptions;
    return describeEndpoint(endpoint, region ?? this.options.address.region);
  }

  /**
   * With the default maxQueueSize: 10,000 items per open shard (room for a full 1 MiB record of
   * ~100-byte items on every shard), at least DEFAULT_MIN_QUEUE_ITEMS.
   */
  private sizeQueue(): void {
    if (!this.options.queueScalesWithShards) return;
    this.maxQueueItems = Math.max(
      DEFAULT_MIN_QUEUE_ITEMS,
      this.predictor.shardCount * this.options.maxQueueSize,
    );
  }

  private becomeReady(): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    this.log('info', 'producer ready', { shards: this.predictor.shardCount });
    const incoming = this.incoming;
    this.incoming = [];
    for (const item of incoming) this.place(item);
    if (incoming.some((item) => item.seq <= this.flushUpTo)) this.release();
    else this.ensureBufferTimer();
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
    if (incoming.length === 0) return;
    const failed = incoming.map(({ item, index }) => ({ item, index }));
    const failure = retryLimitReached
      ? new DeliveryRetryLimitError(failed, attempts, error)
      : new DeliveryFailedError(failed, attempts, error);
    this.log('error', 'items failed', { items: failed.length, attempts, retryLimitReached, error });
    this.failItems(incoming, failure, UNASSIGNED_SHARD);
  }

  private place(item: QueuedItem<T>): void {
    const { batcher, options } = this;
    const laneId = this.predictor.predict(item.partitionKey, item.explicitHashKey);
    if (batcher.unreleasedRecords > 0 && batcher.unreleasedBytes + item.size > options.maxRequestBytes) {
      this.release();
    }
    let closedRecord: boolean;
    try {
      closedRecord = batcher.add(item, laneId);
    } catch (error) {
      const context = { streamName: options.address.streamName };
      const failure =
        error instanceof RecordTooLargeError
          ? new ItemTooLargeError(item.item, item.index, error.size, error.limit, { cause: error, context })
          : new ItemSerializationError(item.item, item.index, error, context);
      this.failItems([item], failure, laneId);
      return;
    }
    if (
      batcher.unreleasedRecords >= options.batchSize ||
      batcher.unreleasedBytes >= options.maxRequestBytes
    ) {
      this.release();
    } else if (closedRecord && this.aggregates) {
      // An aggregated record closes when the next item does not fit: it is full, so it goes now.
      this.batcher.releaseClosed();
      this.pump();
      this.ensureBufferTimer();
    } else {
      this.ensureBufferTimer();
    }
  }

  private ensureBufferTimer(): void {
    if (this.bufferTimer !== undefined || this.disposed || this.batcher.unreleasedRecords === 0) return;
    this.bufferTimer = this.scheduler.schedule(() => {
      this.bufferTimer = undefined;
      this.guard(() => this.release());
    }, this.options.bufferTime);
  }

  private release(): void {
    this.bufferTimer?.unsubscribe();
    this.bufferTimer = undefined;
    this.batcher.releaseAll();
    this.pump();
  }

  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (this.state !== 'ready' || this.disposed) break;
        if (this.predictor.stale) this.refreshShardMap();
        let wakeAt = Number.POSITIVE_INFINITY;
        while (this.inFlight < this.options.maxInFlightRequests && !this.disposed) {
          const batch = this.batcher.nextBatch(this.scheduler.now());
          wakeAt = Math.min(wakeAt, batch.wakeAt);
          if (batch.records.length === 0) break;
          this.sendBatch(batch.records);
        }
        this.scheduleWake(wakeAt);
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private scheduleWake(at: number): void {
    if (at === Number.POSITIVE_INFINITY || this.disposed) return;
    if (this.wakeTimer !== undefined && this.wakeTimer.at <= at) return;
    this.wakeTimer?.subscription.unsubscribe();
    const delay = Math.max(0, at - this.scheduler.now());
    const timer = {
      at,
      subscription: this.scheduler.schedule(() => {
        if (this.wakeTimer === timer) this.wakeTimer = undefined;
        this.guard(() => this.pump());
      }, delay),
    };
    this.wakeTimer = timer;
  }

  private refreshShardMap(): void {
    this.lastRefreshRequest = this.scheduler.now();
    this.predictor.load((error) => {
      if (error !== undefined || this.disposed) return;
      this.counters.countShardMapRefresh();
      this.sizeQueue();
    });
  }

  private sendBatch(records: OutgoingRecord<T>[]): void {
    this.inFlight += 1;
    const lanes = new Set(records.map((record) => record.laneId));
    this.counters.countPutRecordsCall(lanes);
    for (const laneId of lanes) this.batcher.lane(laneId).inFlight += 1;
    for (const record of records) if (record.attempts > 0) this.counters.add(record.laneId, 'retries');
    this.sender.send(records, (result) => this.guard(() => this.answered(lanes, result)));
  }

  private answered(lanes: ReadonlySet<string>, result: SendResult<T>): void {
    if (this.disposed) return;
    this.inFlight -= 1;
    for (const laneId of lanes) this.batcher.lane(laneId).inFlight -= 1;
    const now = this.scheduler.now();
    for (const record of [...result.retry, ...result.givenUp.map((entry) => entry.record)]) {
      if (!(record.lastError instanceof ThrottledError)) continue;
      this.counters.add(record.laneId, 'throttled');
      this.batcher.lane(record.laneId).throttled(now, 1, record.record.size);
    }
    if (result.mispredicted > 0 && now - this.lastRefreshRequest >= RESHARD_REFRESH_MIN_INTERVAL_MS) {
      this.refreshShardMap();
    }
    let retry = result.retry;
    let givenUp = result.givenUp;
    if (result.requestError instanceof ConnectionError) {
      const given = this.connectionGiveUp(result.requestError, now);
      if (given !== undefined) {
        givenUp = givenUp.concat(retry.map((record) => ({ record, error: given, retryLimitReached: false })));
        retry = [];
      } else {
        // Never back off past the moment the pending items are given up.
        const deadline = this.connectionFailingSince! + this.options.connectionFailureTimeout;
        for (const record of retry) if (record.notBefore > deadline) record.notBefore = deadline;
      }
    } else if (result.requestError === undefined) {
      this.connectionFailingSince = undefined;
    }
    this.batcher.requeue(retry);
    if (retry.length > 0) {
      const throttled = retry.filter((record) => record.lastError instanceof ThrottledError).length;
      this.log(result.requestError === undefined ? 'debug' : 'warn', 'retrying records', {
        records: retry.length,
        throttled,
        error: result.requestError,
      });
    }

    const failures = new Map<RxjsKinesisError, { records: OutgoingRecord<T>[]; limit: boolean }>();
    for (const { record, error, retryLimitReached } of givenUp) {
      const group = failures.get(error) ?? { records: [], limit: retryLimitReached };
      group.records.push(record);
      failures.set(error, group);
    }
    for (const [error, group] of failures) {
      const items = group.records.flatMap((record) =>
        record.items.map(({ item, index }) => ({ item, index })),
      );
      const attempts = Math.max(...group.records.map((record) => record.attempts));
      const failure = group.limit
        ? new DeliveryRetryLimitError(items, attempts, error, error.context)
        : new DeliveryFailedError(items, attempts, error, error.context);
      this.log('error', 'items failed', {
        items: items.length,
        attempts,
        retryLimitReached: group.limit,
        error,
      });
      for (const record of group.records) this.failItems(record.items, failure, record.laneId);
    }

    this.delivered(result);
    if (!this.disposed) this.pump();
  }

  /** Counts the delivered records, publishes the metrics, then reports and settles the items. */
  private delivered(result: SendResult<T>): void {
    if (result.delivered.length === 0) {
      this.counters.publish();
      return;
    }
    const aggregates = this.options.processor.aggregator.aggregates;
    const reports: DeliveredReport<T>[] = [];
    const items: QueuedItem<T>[] = [];
    let bytes = 0;
    for (const { record, shardId, sequenceNumber } of result.delivered) {
      this.counters.add(shardId, 'records');
      this.counters.add(shardId, 'items', record.items.length);
      this.counters.add(shardId, 'bytes', record.record.size);
      bytes += record.record.size;
      const { attempts, possibleDuplicate } = record;
      const recordItems = record.items;
      for (let position = 0; position < recordItems.length; position += 1) {
        const item = recordItems[position]!;
        items.push(item);
        reports.push(
          deliveredReport(
            item,
            shardId,
            sequenceNumber,
            aggregates ? position : -1,
            attempts,
            possibleDuplicate,
          ),
        );
      }
    }
    this.counters.publish();
    const settle = () => {
      for (const report of reports) this.hooks.report(report);
      this.settle(items);
    };
    const { afterFlush } = this.options;
    if (afterFlush === undefined) return settle();
    let pending: void | PromiseLike<void>;
    try {
      pending = afterFlush({
        records: result.delivered.length,
        items: items.length,
        bytes,
        failedRecords: result.retry.length + result.givenUp.length,
        delivered: reports,
      });
    } catch (error) {
      settle();
      this.fatal(new AfterFlushError(error, { streamName: this.options.address.streamName }));
      return;
    }
    if (pending === undefined || typeof pending.then !== 'function') return settle();
    pending.then(
      () => this.guard(settle),
      (error: unknown) =>
        this.guard(() => {
          settle();
          this.fatal(new AfterFlushError(error, { streamName: this.options.address.streamName }));
        }),
    );
  }

  private failItems(items: readonly QueuedItem<T>[], error: RxjsKinesisError, laneId: string): void {
    this.counters.add(laneId, 'failures', items.length);
    for (const item of items)
      this.hooks.report({ status: 'failed', item: item.item, index: item.index, error });
    this.settle(items);
  }

  private settle(items: readonly QueuedItem<T>[]): void {
    if (items.length === 0) return;
    for (const item of items) {
      this.queueItems -= 1;
      this.queueBytes -= item.size;
      for (const waiter of this.waiters) if (item.seq <= waiter.upTo) waiter.remaining -= 1;
    }
    this.counters.setQueue(this.queueItems, this.queueBytes);
    const done = this.waiters.filter((waiter) => waiter.remaining <= 0);
    if (done.length > 0) this.waiters = this.waiters.filter((waiter) => waiter.remaining > 0);
    this.hooks.spaceAvailable?.();
    for (const waiter of done) waiter.done();
  }

  private fatal(error: RxjsKinesisError): void {
    this.log('error', 'producer error', { error });
    this.hooks.fatal(error);
  }

  /** Writes a log line naming the stream (nothing without a logger option). */
  private log(level: LogLevel, message: string, details: LogDetails): void {
    writeLog(this.options.logger, level, message, {
      streamName: this.options.address.streamName,
      ...details,
    });
  }

  /** Runs engine work from a callback; an unexpected throw is reported as fatal, never lost. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      const wrapped =
        error instanceof RxjsKinesisError
          ? error
          : new RxjsKinesisError(
              `Producer failure: ${error instanceof Error ? error.message : String(error)}`,
              {
                cause: error,
                context: { streamName: this.options.address.streamName },
              },
            );
      this.fatal(wrapped);
    }
  }
}
