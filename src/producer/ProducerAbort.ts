import { ThrottledError } from '../kinesis/errors/ThrottledError.js';
import type { DeliverySettlement } from './DeliverySettlement.js';
import type { ItemFailures } from './ItemFailures.js';
import type { OutgoingRecord, QueuedItem } from './OutgoingRecord.js';
import type { ProducerMetrics } from './ProducerMetrics.js';
import type { RecordBatcher } from './RecordBatcher.js';
import { OneItem, type RecordItems } from './RecordItems.js';
import type { SendLoop } from './SendLoop.js';
import { UNASSIGNED_SHARD } from './ShardPredictor.js';

/** How many items an abort failed, by where they were. */
export interface AbortedCounts {
  /** In a PutRecords request in flight that was abandoned. */
  readonly inFlight: number;
  /**
   * In a lane: open, closed and waiting (a KPL checksum pending or not), or in back-off; or in a
   * call refused whole, in a part not yet sent or answered and waiting to be re-sent.
   */
  readonly waiting: number;
  /** Waiting for the stream's first shard map. */
  readonly unplaced: number;
}

function itemCount<T>(records: readonly RecordItems<T>[]): number {
  let count = 0;
  for (const items of records) count += items.length;
  return count;
}

/**
 * The abort of a producer (Producer.close({ abort: true }) or its timeoutMs passing, toKinesis()
 * with `flushOnUnsubscribe: false`): every item accepted and not settled gets its one report.
 * Items of a call refused whole as invalid whose part Kinesis already answered are reported as
 * that answer says: stored ones delivered (through afterFlush, as every delivered item is),
 * those it gave up on failed with their error. Items of calls whose afterFlush has not finished
 * are reported delivered (they were), without waiting for it. Every other one fails with
 * ProducerAbortedError, per shard: those of requests in flight (their calls are stopped first,
 * so no answer comes after) with `deliveryUnknown`; then those of a split call's parts not sent,
 * or answered and waiting to be re-sent, and those in the lanes, with `deliveryUnknown` only when
 * waiting to be re-sent after an attempt that got no answer; then those waiting for the first
 * shard map. Nothing of them is kept.
 */
export class ProducerAbort<T> {
  constructor(
    private readonly streamName: string,
    private readonly batcher: RecordBatcher<T>,
    private readonly sendLoop: SendLoop<T>,
    private readonly settlement: DeliverySettlement<T>,
    private readonly failures: ItemFailures<T>,
    private readonly counters: ProducerMetrics,
  ) {}

  /** Reports every item not settled (see above); `unplaced`: the items waiting for the shard map. */
  failAll(unplaced: readonly QueuedItem<T>[]): AbortedCounts {
    const calls = this.sendLoop.takeInFlight().map((call) => call.abandon());
    for (const { answered } of calls) {
      if (answered === undefined) continue;
      // Entries Kinesis throttled in the parts answered count as those of any answer do.
      this.countThrottled(answered.retry);
      for (const { record } of answered.givenUp) this.countThrottled([record]);
      this.failures.failGivenUp(answered.givenUp);
      this.settlement.delivered(answered);
    }
    this.settlement.settleWaiting();
    let inFlight = 0;
    let waiting = 0;
    for (const call of calls) {
      inFlight += this.failByLane(call.inFlight, true);
      const notSent = call.answered === undefined ? call.unsent : [...call.unsent, ...call.answered.retry];
      waiting += this.failByLane(
        notSent.filter((record) => record.possibleDuplicate),
        true,
      );
      waiting += this.failByLane(
        notSent.filter((record) => !record.possibleDuplicate),
        false,
      );
    }
    for (const [laneId, records] of this.batcher.takeAll()) {
      // A record re-sent after an attempt without a definite answer may be stored all the same.
      for (const possibleDuplicate of [true, false]) {
        const items = records.filter((record) => record.possibleDuplicate === possibleDuplicate);
        waiting += this.fail(items, laneId, possibleDuplicate);
      }
    }
    const records = unplaced.map((item) => ({ items: new OneItem<T>(item), laneId: UNASSIGNED_SHARD }));
    return { inFlight, waiting, unplaced: this.failByLane(records, false) };
  }

  private countThrottled(records: readonly OutgoingRecord<T>[]): void {
    for (const record of records) {
      if (record.lastError instanceof ThrottledError) this.counters.add(record.laneId, 'throttled');
    }
  }

  /** Fails the records of one call (or the unplaced items), one error per lane; the item count. */
  private failByLane(
    records: readonly { readonly items: RecordItems<T>; readonly laneId: string }[],
    deliveryUnknown: boolean,
  ): number {
    const byLane = new Map<string, { items: RecordItems<T> }[]>();
    for (const record of records) {
      const list = byLane.get(record.laneId);
      if (list === undefined) byLane.set(record.laneId, [record]);
      else list.push(record);
    }
    let count = 0;
    for (const [laneId, list] of byLane) count += this.fail(list, laneId, deliveryUnknown);
    return count;
  }

  private fail(
    records: readonly { items: RecordItems<T> }[],
    laneId: string,
    deliveryUnknown: boolean,
  ): number {
    if (records.length === 0) return 0;
    const items = records.map((record) => record.items);
    this.failures.failAborted(items, laneId, deliveryUnknown, this.streamName);
    return itemCount(items);
  }
}
