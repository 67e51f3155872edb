import type { SchedulerLike, Subscription } from 'rxjs';
import { ThrottledError } from '../kinesis/errors/ThrottledError.js';
import type { LogLevel } from '../logging/Logger.js';
import type { LogDetails } from '../logging/writeLog.js';
import { CallInFlight } from './CallInFlight.js';
import type { CallSlots } from './CallParts.js';
import type { DeliverySettlement } from './DeliverySettlement.js';
import type { ItemFailures } from './ItemFailures.js';
import { MispredictedAggregates } from './MispredictedAggregates.js';
import type { OutgoingRecord } from './OutgoingRecord.js';
import type { ProducerMetrics } from './ProducerMetrics.js';
import type { ResolvedProducerOptions } from './ProducerOptions.js';
import type { PutRecordsSender, SendResult } from './PutRecordsSender.js';
import type { RecordBatcher } from './RecordBatcher.js';
import type { ShardPredictor } from './ShardPredictor.js';
import { relaneResend } from './relaneResends.js';

/** Wait before reloading the shard map after an answer showed a resharding. */
const RESHARD_REFRESH_MIN_INTERVAL_MS = 1000;

/** What the send loop needs from the engine. */
export interface SendLoopHost {
  /** The first shard map is loaded and the engine is not disposed. */
  ready(): boolean;
  disposed(): boolean;
  /** Runs work from a callback; an unexpected throw is reported as fatal. */
  guard(work: () => void): void;
  log(level: LogLevel, message: string, details: LogDetails): void;
  /** A shard map was reloaded. */
  shardMapLoaded(): void;
  /** A call answered and the freed slot was given its next batch, if any. */
  callAnswered(): void;
}

/**
 * The send loop and its in-flight requests: releases batches on bufferTime or when full, sends
 * them up to maxInFlightRequests requests at a time (the parts of a split call included, served
 * first) as their lanes' budgets allow, wakes when a budget or back-off lets more go, and sorts
 * each answer into delivered, retried and given-up records.
 */
export class SendLoop<T> {
  /** PutRecords requests in flight: calls, and the parts of split calls beyond their first. */
  private inFlight = 0;
  /** Each call in flight (taken out at abort). */
  private readonly calls = new Set<CallInFlight<T>>();
  private bufferTimer: Subscription | undefined;
  private wakeTimer: { at: number; subscription: Subscription } | undefined;
  private pumping = false;
  private pumpAgain = false;
  private lastRefreshRequest = Number.NEGATIVE_INFINITY;
  /** KPL records stored in another shard than predicted, whose items go again (see there). */
  private readonly mispredicted = new MispredictedAggregates();
  /** Split calls with parts waiting for a slot, oldest first (see CallSlots.wantSlots). */
  private partsWaiting: (() => boolean)[] = [];
  /**
   * The slots the parts of a split call borrow and give back (CallParts): they count in
   * `inFlight` like calls, so no more than maxInFlightRequests requests are ever in flight.
   */
  private readonly slots: CallSlots = {
    borrow: () => {
      if (this.host.disposed() || this.inFlight >= this.options.maxInFlightRequests) return false;
      this.inFlight += 1;
      return true;
    },
    giveBack: () =>
      this.host.guard(() => {
        if (this.host.disposed()) return;
        this.inFlight -= 1;
        this.pump();
        this.host.callAnswered();
      }),
    wantSlots: (sendWaiting) => {
      this.partsWaiting.push(sendWaiting);
    },
  };

  constructor(
    private readonly options: ResolvedProducerOptions<T>,
    private readonly scheduler: SchedulerLike,
    private readonly predictor: ShardPredictor,
    private readonly batcher: RecordBatcher<T>,
    private readonly sender: PutRecordsSender<T>,
    private readonly counters: ProducerMetrics,
    private readonly failures: ItemFailures<T>,
    private readonly settlement: DeliverySettlement<T>,
    private readonly host: SendLoopHost,
  ) {}

  /**
   * Every call slot is taken and a call's worth of records waits for the next one: the
   * producer is bound by its calls, and items accepted now would only wait longer.
   */
  get saturated(): boolean {
    return this.inFlight >= this.options.maxInFlightRequests && this.batcher.callReady;
  }

  /** Records may be sent (the first shard map is loaded and the engine is not disposed). */
  get ready(): boolean {
    return this.host.ready();
  }

  /** Stops the bufferTime and wake timers; split calls' waiting parts are not sent. */
  dispose(): void {
    this.partsWaiting = [];
    this.bufferTimer?.unsubscribe();
    this.wakeTimer?.subscription.unsubscribe();
    this.bufferTimer = undefined;
    this.wakeTimer = undefined;
  }

  /**
   * Takes out every call in flight, whose answers are then ignored: the producer is aborted (its
   * calls are stopped first, so none answers after).
   */
  takeInFlight(): CallInFlight<T>[] {
    const taken = [...this.calls];
    this.calls.clear();
    this.partsWaiting = [];
    this.inFlight = 0;
    return taken;
  }

  ensureBufferTimer(): void {
    if (this.bufferTimer !== undefined || this.host.disposed() || this.batcher.unreleasedRecords === 0)
      return;
    this.bufferTimer = this.scheduler.schedule(() => {
      this.bufferTimer = undefined;
      this.host.guard(() => this.releaseDue());
    }, this.options.bufferTime);
  }

  /** Sends everything now, open records included (a flush). */
  release(): void {
    this.bufferTimer?.unsubscribe();
    this.bufferTimer = undefined;
    this.batcher.releaseAll();
    this.failBrokenRecords();
    this.pump();
  }

  /** Fails the items of records the aggregator could not close (RecordBatcher.takeBroken). */
  failBrokenRecords(): void {
    if (!this.batcher.hasBroken) return;
    for (const { items, laneId, error } of this.batcher.takeBroken()) {
      this.failures.failUnbuilt(items, error, laneId);
    }
    // They never reach a PutRecords call, whose answer would publish them.
    this.counters.publishIfChanged();
  }

  /**
   * bufferTime is up or the queue is full: sends what may go (see RecordBatcher.releaseDue). A
   * running bufferTime timer stays for the open records kept filling (else one is started).
   */
  releaseDue(): void {
    this.batcher.releaseDue();
    this.failBrokenRecords();
    this.pump();
    if (this.batcher.unreleasedRecords > 0) {
      this.ensureBufferTimer();
    } else {
      this.bufferTimer?.unsubscribe();
      this.bufferTimer = undefined;
    }
  }

  pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (!this.host.ready()) break;
        if (this.predictor.stale) this.refreshShardMap();
        this.sendWaitingParts();
        let wakeAt = Number.POSITIVE_INFINITY;
        while (this.inFlight < this.options.maxInFlightRequests && !this.host.disposed()) {
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

  /** Free slots go to the parts of split calls first: their records are older than any batch. */
  private sendWaitingParts(): void {
    while (this.partsWaiting.length > 0 && this.inFlight < this.options.maxInFlightRequests) {
      this.inFlight += 1;
      if (this.partsWaiting[0]!()) continue;
      this.inFlight -= 1;
      this.partsWaiting.shift();
    }
  }

  private scheduleWake(at: number): void {
    if (at === Number.POSITIVE_INFINITY || this.host.disposed()) return;
    if (this.wakeTimer !== undefined && this.wakeTimer.at <= at) return;
    this.wakeTimer?.subscription.unsubscribe();
    const delay = Math.max(0, at - this.scheduler.now());
    const timer = {
      at,
      subscription: this.scheduler.schedule(() => {
        if (this.wakeTimer === timer) this.wakeTimer = undefined;
        this.host.guard(() => this.pump());
      }, delay),
    };
    this.wakeTimer = timer;
  }

  private refreshShardMap(): void {
    this.lastRefreshRequest = this.scheduler.now();
    this.predictor.load((error) => {
      if (error !== undefined || this.host.disposed()) return;
      this.host.shardMapLoaded();
    });
  }

  private sendBatch(records: OutgoingRecord<T>[]): void {
    this.inFlight += 1;
    const lanes = new Set(records.map((record) => record.laneId));
    this.counters.countPutRecordsCall(lanes);
    for (const laneId of lanes) this.batcher.lane(laneId).inFlight += 1;
    for (const record of records) {
      // An item sent again after its KPL record was stored in another shard than predicted
      // (MispredictedAggregates) goes for the first time as a record of its own: no retry.
      if (record.attempts > record.attemptsBefore) this.counters.add(record.laneId, 'retries');
      else if (record.attemptsBefore > 0) this.counters.add(record.laneId, 'resent');
    }
    const call = new CallInFlight<T>(records);
    this.calls.add(call);
    this.sender.send(call, this.slots, (result) => this.host.guard(() => this.answered(call, lanes, result)));
  }

  private answered(call: CallInFlight<T>, lanes: ReadonlySet<string>, answer: SendResult<T>): void {
    if (!this.calls.delete(call) || this.host.disposed()) return;
    const resent = this.mispredicted.resendOutOfShard(
      answer,
      this.scheduler.now(),
      this.options.maxRecordBytes,
    );
    // Items sent again on their own go where their keys map to now (see relaneResend).
    const { preserveOrder } = this.options;
    const result =
      resent.retry.length === 0 || preserveOrder
        ? resent
        : { ...resent, retry: resent.retry.map((record) => relaneResend(record, this.predictor, false)) };
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
    const { retry, givenUp } = result;
    this.batcher.requeue(retry);
    if (retry.length > 0) {
      const throttled = retry.filter((record) => record.lastError instanceof ThrottledError).length;
      this.host.log(result.requestError === undefined ? 'debug' : 'warn', 'retrying records', {
        records: retry.length,
        throttled,
        error: result.requestError,
      });
    }

    this.failures.failGivenUp(givenUp);
    this.settlement.delivered(result);
    if (this.host.disposed()) return;
    this.pump();
    this.host.callAnswered();
  }
}
