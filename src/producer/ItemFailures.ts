import type { SchedulerLike } from 'rxjs';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { LogLevel } from '../logging/Logger.js';
import type { LogDetails } from '../logging/writeLog.js';
import { DeliveryFailedError } from './errors/DeliveryFailedError.js';
import { DeliveryRetryLimitError } from './errors/DeliveryRetryLimitError.js';
import { ItemSerializationError } from './errors/ItemSerializationError.js';
import type { FailedItem } from './errors/FailedItem.js';
import { ProducerAbortedError } from './errors/ProducerAbortedError.js';
import type { OutgoingRecord, QueuedItem } from './OutgoingRecord.js';
import type { ProducerEngineHooks } from './ProducerEngineHooks.js';
import type { ProducerMetrics } from './ProducerMetrics.js';
import type { ResolvedProducerOptions } from './ProducerOptions.js';
import type { ProducerQueue } from './ProducerQueue.js';
import type { GivenUpRecord } from './PutRecordsSender.js';
import type { RecordItems } from './RecordItems.js';
import { UNASSIGNED_SHARD } from './ShardPredictor.js';

/**
 * Failure handling: wraps the error items are given up with in DeliveryFailedError or
 * DeliveryRetryLimitError naming the stream (and the shard, once the items reached one), counts
 * and logs the failures, reports each item failed and settles it.
 */
export class ItemFailures<T> {
  /** The context of a failure of items that reached no shard. */
  private readonly context: { readonly streamName: string };

  private readonly scheduler: SchedulerLike;

  constructor(
    options: Pick<ResolvedProducerOptions<T>, 'address' | 'scheduler'>,
    private readonly counters: ProducerMetrics,
    private readonly hooks: ProducerEngineHooks<T>,
    private readonly queue: ProducerQueue<T>,
    private readonly log: (level: LogLevel, message: string, details: LogDetails) => void,
  ) {
    this.context = { streamName: options.address.streamName };
    this.scheduler = options.scheduler;
  }

  /** Reports `items` failed with `error` and settles them. */
  failItems(items: readonly QueuedItem<T>[], error: RxjsKinesisError, laneId: string): void {
    this.counters.add(laneId, 'failures', items.length);
    let bytes = 0;
    for (const item of items) bytes += item.size;
    this.queue.beginSettling(items.length, bytes);
    for (const item of items)
      this.hooks.report({ status: 'failed', item: item.item, index: item.index, error });
    this.queue.endSettling(items.length, bytes);
    this.queue.settle(items);
  }

  /** Reports the items of a record failed with `error` and settles them. */
  failRecordItems(items: RecordItems<T>, error: RxjsKinesisError, laneId: string): void {
    this.counters.add(laneId, 'failures', items.length);
    this.queue.beginSettling(items.length, items.bytes);
    this.reportRecordItems(items, error, laneId);
    this.queue.countOutRecord(items);
    this.queue.endSettling(items.length, items.bytes);
    this.queue.settled();
  }

  /** Reports each item of a record failed, naming the shard the record was meant for (if any). */
  private reportRecordItems(items: RecordItems<T>, error: RxjsKinesisError, laneId: string): void {
    const { hooks } = this;
    if (laneId === UNASSIGNED_SHARD) {
      for (let i = 0; i < items.length; i += 1)
        hooks.report({ status: 'failed', item: items.item(i), index: items.index(i), error });
      return;
    }
    for (let i = 0; i < items.length; i += 1)
      hooks.report({ status: 'failed', item: items.item(i), index: items.index(i), shardId: laneId, error });
  }

  /**
   * Fails the items of a record the processor's aggregator could not close (its accumulator threw
   * `cause`), each with its own ItemSerializationError, and settles them.
   */
  failUnbuilt(items: RecordItems<T>, cause: unknown, laneId: string): void {
    this.counters.add(laneId, 'failures', items.length);
    this.queue.beginSettling(items.length, items.bytes);
    this.log('error', 'items failed: the aggregator could not close their record', {
      items: items.length,
      error: cause instanceof Error ? cause : undefined,
    });
    const bound = laneId !== UNASSIGNED_SHARD;
    for (let i = 0; i < items.length; i += 1) {
      const item = items.item(i);
      const index = items.index(i);
      const error = new ItemSerializationError(item, index, cause, this.context);
      this.hooks.report(
        bound
          ? { status: 'failed', item, index, shardId: laneId, error }
          : { status: 'failed', item, index, error },
      );
    }
    this.queue.countOutRecord(items);
    this.queue.endSettling(items.length, items.bytes);
    this.queue.settled();
  }

  /** Fails an item accepted after the first shard map could not be loaded (by `cause`). */
  failBroken(item: QueuedItem<T>, cause: RxjsKinesisError | undefined): void {
    const failed = [{ item: item.item, index: item.index }];
    this.failItems([item], new DeliveryFailedError(failed, 0, cause, this.context), UNASSIGNED_SHARD);
    // Items put one by one into a producer that cannot write: not a snapshot per item.
    this.counters.publishSoon(this.scheduler);
  }

  /** Fails items that never reached a shard (waiting for the first shard map) with `error`. */
  failUnsent(
    items: readonly QueuedItem<T>[],
    error: RxjsKinesisError,
    attempts: number,
    retryLimitReached: boolean,
  ): void {
    if (items.length === 0) return;
    const failed = items.map(({ item, index }) => ({ item, index }));
    const failure = retryLimitReached
      ? new DeliveryRetryLimitError(failed, attempts, error, this.context)
      : new DeliveryFailedError(failed, attempts, error, this.context);
    this.log('error', 'items failed', { items: failed.length, attempts, retryLimitReached, error });
    this.failItems(items, failure, UNASSIGNED_SHARD);
    // No PutRecords answer follows to publish them (the stream was not found, say).
    this.counters.publishIfChanged();
  }

  /**
   * Fails the items of records PutRecords gave up on, one error per cause and shard: its context
   * names the stream and the shard the records were meant for (a call failed as a whole carried
   * records of several).
   */
  failGivenUp(givenUp: readonly GivenUpRecord<T>[]): void {
    const failures = new Map<
      RxjsKinesisError,
      Map<string, { records: OutgoingRecord<T>[]; limit: boolean }>
    >();
    for (const { record, error, retryLimitReached } of givenUp) {
      let lanes = failures.get(error);
      if (lanes === undefined) failures.set(error, (lanes = new Map()));
      const group = lanes.get(record.laneId) ?? { records: [], limit: retryLimitReached };
      group.records.push(record);
      lanes.set(record.laneId, group);
    }
    for (const [error, lanes] of failures) {
      for (const [laneId, group] of lanes) {
        const items: { item: T; index: number }[] = [];
        for (const { items: recordItems } of group.records) {
          for (let i = 0; i < recordItems.length; i += 1) {
            items.push({ item: recordItems.item(i), index: recordItems.index(i) });
          }
        }
        const attempts = Math.max(...group.records.map((record) => record.attempts));
        const context = laneId === UNASSIGNED_SHARD ? error.context : { ...error.context, shardId: laneId };
        const failure = group.limit
          ? new DeliveryRetryLimitError(items, attempts, error, context)
          : new DeliveryFailedError(items, attempts, error, context);
        this.log('error', 'items failed', {
          items: items.length,
          attempts,
          retryLimitReached: group.limit,
          error,
        });
        for (const record of group.records) this.failRecordItems(record.items, failure, record.laneId);
      }
    }
  }

  /**
   * Fails items taken out of a lane (or, with UNASSIGNED_SHARD, items that reached none) when the
   * producer is aborted, with one ProducerAbortedError naming the stream and the lane's shard.
   * `deliveryUnknown`: the records were in a call that was abandoned.
   */
  failAborted(
    records: readonly RecordItems<T>[],
    laneId: string,
    deliveryUnknown: boolean,
    streamName: string,
  ): void {
    const items: FailedItem<T>[] = [];
    for (const recordItems of records)
      for (let i = 0; i < recordItems.length; i += 1)
        items.push({ item: recordItems.item(i), index: recordItems.index(i) });
    if (items.length === 0) return;
    const context = laneId === UNASSIGNED_SHARD ? { streamName } : { streamName, shardId: laneId };
    const error = new ProducerAbortedError(items, deliveryUnknown, context);
    for (const recordItems of records) this.failRecordItems(recordItems, error, laneId);
  }
}
