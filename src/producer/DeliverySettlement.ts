import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { DeliveredReport } from './DeliveryReport.js';
import { AfterFlushError } from './errors/AfterFlushError.js';
import type { ProducerEngineHooks } from './ProducerEngineHooks.js';
import type { ProducerMetrics } from './ProducerMetrics.js';
import type { ResolvedProducerOptions } from './ProducerOptions.js';
import type { ProducerQueue } from './ProducerQueue.js';
import type { RecordItems } from './RecordItems.js';
import type { SendResult } from './PutRecordsSender.js';

/**
 * The report of item `i` of a delivered record; `position` -1 when the record holds only this
 * item (no subSequenceNumber).
 */
function deliveredReport<T>(
  items: RecordItems<T>,
  i: number,
  shardId: string,
  sequenceNumber: string,
  position: number,
  attempts: number,
  possibleDuplicate: boolean,
): DeliveredReport<T> {
  const explicitHashKey = items.explicitHashKey(i);
  if (explicitHashKey === undefined && position !== -1) {
    // An aggregated item's report, built in one literal (no property added afterwards).
    return {
      status: 'delivered',
      item: items.item(i),
      index: items.index(i),
      shardId,
      sequenceNumber,
      subSequenceNumber: position,
      partitionKey: items.partitionKey(i),
      attempts,
      possibleDuplicate,
    };
  }
  if (position === -1 && explicitHashKey === undefined) {
    return {
      status: 'delivered',
      item: items.item(i),
      index: items.index(i),
      shardId,
      sequenceNumber,
      partitionKey: items.partitionKey(i),
      attempts,
      possibleDuplicate,
    };
  }
  const report: { -readonly [K in keyof DeliveredReport<T>]: DeliveredReport<T>[K] } = {
    status: 'delivered',
    item: items.item(i),
    index: items.index(i),
    shardId,
    sequenceNumber,
    partitionKey: items.partitionKey(i),
    attempts,
    possibleDuplicate,
  };
  if (position !== -1) report.subSequenceNumber = position;
  if (explicitHashKey !== undefined) report.explicitHashKey = explicitHashKey;
  return report;
}

/**
 * Reports and settlement of delivered records: counts them, runs afterFlush, then reports every
 * item delivered and settles it; the metrics are published once the items left the queue.
 */
export class DeliverySettlement<T> {
  /** Settles the items of each call whose afterFlush has not finished. */
  private readonly waitingForAfterFlush = new Set<() => void>();

  constructor(
    private readonly options: ResolvedProducerOptions<T>,
    private readonly counters: ProducerMetrics,
    private readonly hooks: ProducerEngineHooks<T>,
    private readonly queue: ProducerQueue<T>,
    private readonly guard: (work: () => void) => void,
    private readonly fatal: (error: RxjsKinesisError) => void,
  ) {}

  /**
   * Counts the delivered records, reports and settles the items, and publishes the metrics (with
   * afterFlush: published at the answer, and again once afterFlush is done and the items are
   * counted delivered, reported and settled).
   */
  delivered(result: SendResult<T>): void {
    if (result.delivered.length === 0) {
      this.counters.publish();
      return;
    }
    const aggregates = this.options.processor.aggregator.aggregates;
    if (this.options.afterFlush === undefined) {
      this.reportAndSettle(result, aggregates);
      return;
    }
    const reports: DeliveredReport<T>[] = [];
    let itemCount = 0;
    let bytes = 0;
    for (const { record, shardId, sequenceNumber } of result.delivered) {
      bytes += record.record.size;
      const { attempts, possibleDuplicate } = record;
      const recordItems = record.items;
      itemCount += recordItems.length;
      for (let position = 0; position < recordItems.length; position += 1) {
        reports.push(
          deliveredReport(
            recordItems,
            position,
            shardId,
            sequenceNumber,
            aggregates ? position : -1,
            attempts,
            possibleDuplicate,
          ),
        );
      }
    }
    // The answer's calls, throttles and retries; the items count as delivered once they are
    // reported and out of the queue (a snapshot never counts an item both delivered and queued).
    this.counters.publish();
    const settle = () => {
      let queuedBytes = 0;
      for (const { record, shardId } of result.delivered) {
        this.counters.addDelivered(shardId, record.items.length, record.record.size);
        queuedBytes += record.items.bytes;
      }
      this.queue.beginSettling(itemCount, queuedBytes);
      for (const report of reports) this.hooks.report(report);
      for (const { record } of result.delivered) this.queue.countOutRecord(record.items);
      this.queue.endSettling(itemCount, queuedBytes);
      this.queue.settled();
      // The items left the queue: a snapshot that still showed them there would be the last one
      // until the next answer.
      this.counters.publishIfChanged();
    };
    const { afterFlush } = this.options;
    if (afterFlush === undefined) return settle();
    let pending: void | PromiseLike<void>;
    let then: unknown;
    try {
      pending = afterFlush({
        records: result.delivered.length,
        items: itemCount,
        bytes,
        failedRecords: result.retry.length + result.givenUp.length,
        delivered: reports,
      });
      then = pending?.then;
    } catch (error) {
      this.failedAfterFlush(error, settle);
      return;
    }
    if (typeof then !== 'function') return settle();
    // Settled once: when afterFlush is done, or at once if the producer is aborted first.
    const settleOnce = () => {
      if (this.waitingForAfterFlush.delete(settleOnce)) settle();
    };
    const failed = (error: unknown) => {
      if (this.waitingForAfterFlush.has(settleOnce)) this.failedAfterFlush(error, settleOnce);
    };
    this.waitingForAfterFlush.add(settleOnce);
    // A thenable of the caller's own whose then() throws before calling back fails as a rejection
    // would (as `await` treats it): thrown from here, its items would wait for a settlement that
    // never comes.
    let answered = false;
    try {
      (then as PromiseLike<void>['then']).call(
        pending,
        () => {
          answered = true;
          this.guard(settleOnce);
        },
        (error: unknown) => {
          answered = true;
          this.guard(() => failed(error));
        },
      );
    } catch (error) {
      if (!answered) failed(error);
    }
  }

  /**
   * The producer is aborted: the items of calls whose afterFlush has not finished (they were
   * delivered) are reported and settled now; what afterFlush does later changes nothing.
   */
  settleWaiting(): void {
    const waiting = [...this.waitingForAfterFlush];
    for (const settle of waiting) settle();
  }

  /**
   * afterFlush threw or rejected: the failure is raised first, then the call's items are reported
   * delivered and settled. Settled first, they could end a flush that covers them (a completed
   * source's last call, a Producer's close()) before the failure was known: it would be lost.
   */
  private failedAfterFlush(error: unknown, settle: () => void): void {
    this.fatal(new AfterFlushError(error, { streamName: this.options.address.streamName }));
    settle();
  }

  /**
   * Without afterFlush nobody needs the reports as a list: each item is reported as its record
   * is read, then every item is counted out (the same order as with afterFlush: all reports,
   * then the settlement), with no arrays of reports and items per answer.
   */
  private reportAndSettle(result: SendResult<T>, aggregates: boolean): void {
    const { counters, hooks, queue } = this;
    const delivered = result.delivered;
    let items = 0;
    let bytes = 0;
    for (const { record, shardId } of delivered) {
      counters.addDelivered(shardId, record.items.length, record.record.size);
      items += record.items.length;
      bytes += record.items.bytes;
    }
    queue.beginSettling(items, bytes);
    for (const { record, shardId, sequenceNumber } of delivered) {
      const { attempts, possibleDuplicate, items } = record;
      for (let position = 0; position < items.length; position += 1) {
        hooks.report(
          deliveredReport(
            items,
            position,
            shardId,
            sequenceNumber,
            aggregates ? position : -1,
            attempts,
            possibleDuplicate,
          ),
        );
      }
    }
    for (const { record } of delivered) queue.countOutRecord(record.items);
    queue.endSettling(items, bytes);
    queue.settled();
    // Once the items left the queue (a report's subscriber that stopped the engine published
    // them delivered and out of the queue already, see ProducerQueue.beginSettling).
    counters.publishIfChanged();
  }
}
