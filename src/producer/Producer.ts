import type { Observable, Subscription } from 'rxjs';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { DeliveredReport, DeliveryReport } from './DeliveryReport.js';
import { ProducerAbortedError } from './errors/ProducerAbortedError.js';
import { ProducerClosedError } from './errors/ProducerClosedError.js';
import { ProducerCloseTimeoutError } from './errors/ProducerCloseTimeoutError.js';
import { FifoQueue } from './FifoQueue.js';
import { FlushBoundaries } from './FlushBoundaries.js';
import { FlushFailures } from './FlushFailures.js';
import { CloseDeadline } from './CloseDeadline.js';
import { DeadlineAbortCounts } from './DeadlineAbortCounts.js';
import { checkOptionNames } from './knownOptionNames.js';
import { itemAcceptedHook } from './itemAcceptedHook.js';
import { validateFlushOn } from './flushOn.js';
import type { PreparedItem } from './OutgoingRecord.js';
import type { DeliveryWaiter, WaitingPut } from './WaitingPut.js';
import { producerLog } from './producerLog.js';
import { ProducerEngine } from './ProducerEngine.js';
import type { ProducerMetricsSnapshot } from './ProducerMetrics.js';
import { resolveCloseOptions, type ProducerCloseOptions } from './ProducerCloseOptions.js';
import type { ProducerOptions } from './ProducerOptions.js';
import { ReportStream } from './ReportStream.js';

/**
 * An imperative producer on the same engine as toKinesis(): `await put(item)` returns once the
 * item is accepted (waiting while the queue is full, or while every call slot is taken and a
 * call's worth of records is ready for the next), `await send(item)` once it is delivered,
 * `flush()` sends everything and waits for it, `close()` flushes and releases the client,
 * `close({ abort: true })` releases it at once, failing what was not delivered, and
 * `close({ timeoutMs })` flushes and aborts so if the flush is not over in time.
 *
 * Every item accepted is reported on `reports$`. A failed item rejects its send() promise; a
 * failed put() item rejects each flush() (and close()) running that covers it (was called after
 * its put()), or, if none does, the next one called (with the first such error; all of them are
 * on `reports$`). Bad input rejects put()/send() at once with a typed error; such an item was
 * never accepted and has no report (its index is used all the same).
 */
export class Producer<T> {
  private readonly engine: ProducerEngine<T>;
  private readonly reports = new ReportStream<DeliveryReport<T>>();
  private readonly waiting = new FifoQueue<WaitingPut<T>>();
  private readonly deliveryWaiters = new Map<number, DeliveryWaiter<T>>();
  /** Which flush() calls each failure rejects. */
  private readonly flushFailures = new FlushFailures();
  private nextIndex = 0;
  /** flush() calls waiting for put() calls from before them to be accepted. */
  private readonly boundaries = new FlushBoundaries();
  private closed = false;
  private admitting = false;
  /**
   * Off once a put() came while another waited for the first shard map: the caller does not
   * await put() (or awaits several at once), so holding put() calls back for the map would only
   * move them from the queue to the waiting list, at a higher cost (see ProducerEngine.mapBound).
   */
  private mapBoundOn = true;
  private closing: Promise<void> | undefined;
  private aborting: Promise<void> | undefined;
  /** The deadline of the graceful close (close({ timeoutMs })). */
  private readonly closeDeadline: CloseDeadline;
  /** Set once that deadline passed and aborted the producer: the close rejects with it. */
  private deadlineAbort: DeadlineAbortCounts | undefined;
  /** True while the abort at that deadline reports (its reports are counted). */
  private countingAbort = false;
  private readonly flushOn: Subscription | undefined;

  /** Every item's report, as its PutRecords answer arrives. Completes on close(). */
  readonly reports$: Observable<DeliveryReport<T>> = this.reports.observable;

  constructor(options: ProducerOptions<T>) {
    checkOptionNames(options, 'producer');
    const flushOn = validateFlushOn(options.flushOn);
    this.engine = new ProducerEngine<T>(options, {
      report: (report) => this.onReport(report),
      spaceAvailable: () => this.admit(false),
      shardMapArrived: () => this.admit(true),
      fatal: (error) => this.flushFailures.producerFailed(error),
    });
    this.closeDeadline = new CloseDeadline(this.engine.options.scheduler, (timeoutMs) =>
      this.closeDeadlinePassed(timeoutMs),
    );
    this.flushOn = flushOn?.subscribe({
      next: () => this.engine.flush(),
      error: (error: unknown) =>
        this.flushFailures.producerFailed(
          error instanceof RxjsKinesisError
            ? error
            : new RxjsKinesisError('flushOn failed', { cause: error }),
        ),
    });
  }

  /**
   * Accepts an item, waiting while the queue is full or the calls are saturated (every call slot
   * taken and a call's worth of records ready for the next), or while batchSize items already
   * wait for the stream's first shard map (unless put() calls come while one waits for it: see
   * mapBoundOn). Resolves with the item's index.
   */
  put(item: T): Promise<number> {
    return this.enqueue(item, undefined);
  }

  /**
   * Puts the items in order as put() does, waiting only when an item has to wait for room (not a
   * turn of the microtask queue per item), and resolves with how many were put. Bad input rejects
   * with that item's typed error (its `item`): the items before it were accepted (they are
   * reported and covered by flush() and close()), none after it was taken; so does a close().
   */
  async putAll(items: Iterable<T>): Promise<number> {
    let count = 0;
    for (const item of items) {
      const accepted = this.offer(item, undefined);
      if (typeof accepted !== 'number') await accepted;
      count += 1;
    }
    return count;
  }

  /** Puts an item and resolves with its delivery report once it is stored (rejects if it fails). */
  send(item: T): Promise<DeliveredReport<T>> {
    return new Promise<DeliveredReport<T>>((resolve, reject) => {
      this.enqueue(item, { resolve, reject }).catch(reject);
    });
  }

  /**
   * Sends everything put so far (including put() calls still waiting for room) without waiting
   * for bufferTime and resolves when all of it is delivered or failed. Rejects with the first
   * failure among the put() items it covers (those put before it was called) that failed while
   * it ran; a failure while no flush covering the item ran rejects the next flush() called.
   * Failures of send() items reject only their send().
   */
  async flush(): Promise<void> {
    const target = this.nextIndex;
    const claim = this.flushFailures.begin(target);
    // A put() waiting while the queue has room (none can) is let in first. Items are accepted in
    // index order: unless a put() from before this flush() still waits for room, the engine's flush
    // covers every item put before it. Else the queue is sent now, and the engine's flush is taken
    // once the last of those is accepted, before any put after this flush() (FlushBoundaries).
    if (this.waiting.length > 0) this.admit(false);
    const next = this.waiting.peek();
    const waitsForRoom = next !== undefined && next.prepared.index < target;
    await new Promise<void>((resolve) => {
      if (waitsForRoom) this.boundaries.add(target, () => this.engine.flush(resolve));
      this.engine.flush(waitsForRoom ? undefined : resolve);
    });
    const failure = this.flushFailures.end(claim);
    if (failure !== undefined) throw failure;
  }

  /**
   * Refuses new items, flushes, and releases the client (if the producer created it). Rejects as
   * flush() does (with the first failure among the put() items), after the last report.
   *
   * With `{ abort: true }`: refuses new items and delivers nothing more. Every item accepted and
   * not yet delivered is reported at once, failed with ProducerAbortedError (on `reports$`, its
   * send() or the flush() calls covering it, a graceful close() running included); those of a
   * PutRecords call in flight have `deliveryUnknown` (the call is abandoned: Kinesis may have
   * stored them). put() calls waiting for room reject with it. Resolves once every report has
   * been emitted and every timer, call, thread and the client it started have stopped; a close()
   * called after it returns the same promise. See the README, "Closing a Producer".
   *
   * With `{ timeoutMs }`: closes gracefully, but aborts as above when the close has not finished
   * `timeoutMs` after it was called (on the producer's scheduler); the close then rejects with
   * ProducerCloseTimeoutError (what the abort found; `cause`: the failure it would have rejected
   * with otherwise), even when every item it reported was delivered. Given while a graceful close
   * runs, the earlier deadline rules (the same promise is returned).
   *
   * Invalid options reject at once with InvalidOptionError, the producer left open.
   */
  close(options?: ProducerCloseOptions): Promise<void> {
    let abort: boolean;
    let timeoutMs: number;
    try {
      ({ abort, timeoutMs } = resolveCloseOptions(options));
    } catch (error) {
      return Promise.reject(error);
    }
    this.closed = true;
    this.flushOn?.unsubscribe();
    if (abort) this.aborting ??= this.abort();
    if (this.aborting !== undefined) return this.aborting;
    this.closing ??= this.closeGracefully();
    this.closeDeadline.set(timeoutMs);
    return this.closing;
  }

  /** Flushes everything, then stops; rejects as the flush did, or as the deadline's abort ended it. */
  private async closeGracefully(): Promise<void> {
    let failure: { readonly error: unknown } | undefined;
    try {
      await this.flush();
    } catch (error) {
      failure = { error };
    }
    this.closeDeadline.end();
    await this.stop();
    const timedOut = this.deadlineAbort;
    if (timedOut !== undefined) {
      throw new ProducerCloseTimeoutError(timedOut, failure?.error, {
        streamName: this.engine.options.address.streamName,
      });
    }
    if (failure !== undefined) throw failure.error;
  }

  /** The graceful close's deadline passed before it finished: the producer is aborted now. */
  private closeDeadlinePassed(timeoutMs: number): void {
    // Every item settled: the close is over but for its last promise steps (they end this timer
    // in real time; a virtual-time scheduler may run it first), and an abort has nothing to do.
    if (this.engine.queuedItems === 0 && this.waiting.length === 0) return;
    const { logger, address } = this.engine.options;
    producerLog(logger, address.streamName, 'warn', 'close deadline passed: aborting', {
      timeoutMs,
      items: this.engine.queuedItems,
      waitingPuts: this.waiting.length,
    });
    if (this.aborting !== undefined) return;
    this.deadlineAbort = new DeadlineAbortCounts(timeoutMs, this.waiting.length);
    // The abort reports every item before its first await: its reports are counted meanwhile.
    this.countingAbort = true;
    try {
      this.aborting = this.abort();
    } finally {
      this.countingAbort = false;
    }
  }

  private async abort(): Promise<void> {
    const streamName = this.engine.options.address.streamName;
    // Refused before the engine reports: room its reports make must not let them in.
    for (let put = this.waiting.shift(); put !== undefined; put = this.waiting.shift()) {
      const { item, index } = put.prepared;
      const error = new ProducerAbortedError([{ item, index }], false, { streamName });
      // A send() item's waiter: its send() rejects through the refused put.
      if (!this.deliveryWaiters.delete(index)) this.flushFailures.itemFailed(index, error);
      put.refused(error);
    }
    const stopped = this.stop(true);
    // flush() calls that waited for the refused puts take the engine's flush (nothing is left).
    this.boundaries.pass(Number.POSITIVE_INFINITY);
    // A graceful close() under way ends (rejected if its flush covered an aborted put() item).
    await Promise.allSettled([stopped, this.closing]);
    // A failure kept for a next flush() is dropped: nothing of the items outlives the abort.
    this.flushFailures.dropCarried();
  }

  private stop(abort = false): Promise<void> {
    const stopped = this.engine.dispose(abort);
    // Stopped from inside a report (a reports$ subscriber that aborts), the rest of that answer's
    // items are settled after the abort: their reports go out before reports$ completes.
    this.engine.turns.afterTurn(() => this.reports.complete());
    return stopped;
  }

  /** Items accepted and not yet settled. */
  get queuedItems(): number {
    return this.engine.queuedItems;
  }

  metrics(): ProducerMetricsSnapshot {
    return this.engine.metrics();
  }

  get metrics$(): Observable<ProducerMetricsSnapshot> {
    return this.engine.metrics$;
  }

  private enqueue(item: T, waiter: DeliveryWaiter<T> | undefined): Promise<number> {
    let accepted: number | Promise<number>;
    try {
      accepted = this.offer(item, waiter);
    } catch (error) {
      return Promise.reject(error);
    }
    return typeof accepted === 'number' ? Promise.resolve(accepted) : accepted;
  }

  /** The item's index if it was accepted at once, else the promise of it; throws on bad input. */
  private offer(item: T, waiter: DeliveryWaiter<T> | undefined): number | Promise<number> {
    if (this.closed) throw new ProducerClosedError({ streamName: this.engine.options.address.streamName });
    const index = this.nextIndex;
    this.nextIndex += 1;
    const prepared: PreparedItem<T> = this.engine.prepare(item, index);
    if (waiter !== undefined) this.deliveryWaiters.set(index, waiter);
    if (this.waiting.length === 0 && this.engine.hasRoomFor(prepared.size) && !this.bound()) {
      this.engine.accept(prepared);
      this[itemAcceptedHook]();
      return index;
    }
    const accepted = new Promise<number>((resolve, reject) =>
      this.waiting.push({ prepared, accepted: () => resolve(index), refused: reject }),
    );
    // Refusing the item sent the queue at once (see ProducerEngine.hasRoomFor): a call that failed
    // at once may have made room before the item waited for it, with no answer left to come.
    if (this.waiting.length === 1) this.admit(false);
    else if (this.mapBoundOn && this.engine.mapBound) {
      this.mapBoundOn = false;
      this.admit(false);
    }
    return accepted;
  }

  /**
   * Accepts waiting put() calls in order while the queue has room and the calls are not
   * saturated. `mapArrived`: they waited for the first shard map (calls have only just started), and
   * are let in up to the queue's bounds; put() calls after them wait for saturated calls as usual.
   */
  private admit(mapArrived: boolean): void {
    // An item can settle inside accept() (a producer that cannot write fails it at once), which
    // calls admit() again: the running loop takes the next one instead of a call per item.
    if (this.admitting) return;
    this.admitting = true;
    try {
      for (let next = this.waiting.peek(); next !== undefined; next = this.waiting.peek()) {
        if (!this.engine.hasRoomFor(next.prepared.size) || (!mapArrived && this.bound())) return;
        this.boundaries.pass(next.prepared.index);
        this.waiting.shift();
        this.engine.accept(next.prepared, mapArrived);
        this[itemAcceptedHook]();
        next.accepted();
      }
      this.boundaries.pass(Number.POSITIVE_INFINITY);
    } finally {
      this.admitting = false;
    }
  }

  /** Called as each item is accepted (at once or after waiting for room), for the browser's. */
  protected [itemAcceptedHook](): void {
    // Nothing here.
  }

  /** True while put() calls are to wait although the queue has room (calls saturated, or the map). */
  private bound(): boolean {
    return this.engine.sendBound || (this.mapBoundOn && this.engine.mapBound);
  }

  private onReport(report: DeliveryReport<T>): void {
    const waiter = this.deliveryWaiters.size === 0 ? undefined : this.deliveryWaiters.get(report.index);
    if (waiter !== undefined) {
      this.deliveryWaiters.delete(report.index);
      if (report.status === 'delivered') waiter.resolve(report);
      else waiter.reject(report.error);
    } else if (report.status !== 'delivered') {
      this.flushFailures.itemFailed(report.index, report.error);
    }
    if (this.countingAbort) this.deadlineAbort?.count(report);
    this.reports.next(report);
  }
}
