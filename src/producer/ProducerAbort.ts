import type { DeliverySettlement } from './DeliverySettlement.js';
import type { ItemFailures } from './ItemFailures.js';
import type { QueuedItem } from './OutgoingRecord.js';
import type { RecordBatcher } from './RecordBatcher.js';
import { OneItem, type RecordItems } from './RecordItems.js';
import type { SendLoop } from './SendLoop.js';
import { UNASSIGNED_SHARD } from './ShardPredictor.js';

/** How many items an abort failed, by where they were. */
export interface AbortedCounts {
  /** In a PutRecords call that was abandoned (ProducerAbortedError.deliveryUnknown). */
  readonly inFlight: number;
  /** In a lane: open, closed and waiting (a KPL checksum pending or not), or in back-off. */
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
 * The abort of a producer (Producer.close({ abort: true }), toKinesis() with
 * `flushOnUnsubscribe: false`): every item accepted and not settled gets its one report. Items
 * of calls whose afterFlush has not finished are reported delivered (they were); every other
 * one fails with ProducerAbortedError, per shard: those of calls in flight (their calls are
 * stopped first, so no answer comes after) with `deliveryUnknown`, then those in the lanes,
 * then those waiting for the first shard map. Nothing of them is kept.
 */
export class ProducerAbort<T> {
  constructor(
    private readonly streamName: string,
    private readonly batcher: RecordBatcher<T>,
    private readonly sendLoop: SendLoop<T>,
    private readonly settlement: DeliverySettlement<T>,
    private readonly failures: ItemFailures<T>,
  ) {}

  /** Reports every item not settled (see above); `unplaced`: the items waiting for the shard map. */
  failAll(unplaced: readonly QueuedItem<T>[]): AbortedCounts {
    this.settlement.settleWaiting();
    let inFlight = 0;
    for (const call of this.sendLoop.takeInFlight()) {
      const byLane = new Map<string, RecordItems<T>[]>();
      for (const record of call) {
        const list = byLane.get(record.laneId);
        if (list === undefined) byLane.set(record.laneId, [record.items]);
        else list.push(record.items);
      }
      for (const [laneId, records] of byLane) {
        inFlight += itemCount(records);
        this.failures.failAborted(records, laneId, true, this.streamName);
      }
    }
    let waiting = 0;
    for (const [laneId, records] of this.batcher.takeAll()) {
      waiting += itemCount(records);
      this.failures.failAborted(records, laneId, false, this.streamName);
    }
    const records = unplaced.map((item) => new OneItem<T>(item));
    this.failures.failAborted(records, UNASSIGNED_SHARD, false, this.streamName);
    return { inFlight, waiting, unplaced: records.length };
  }
}
