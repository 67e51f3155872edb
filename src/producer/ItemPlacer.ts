import { RecordTooLargeError } from '../processors/errors/RecordTooLargeError.js';
import { ItemSerializationError } from './errors/ItemSerializationError.js';
import { ItemTooLargeError } from './errors/ItemTooLargeError.js';
import type { ItemFailures } from './ItemFailures.js';
import type { ItemPreparer } from './ItemPreparer.js';
import type { QueuedItem } from './OutgoingRecord.js';
import type { ResolvedProducerOptions } from './ProducerOptions.js';
import type { RecordBatcher } from './RecordBatcher.js';
import type { SendLoop } from './SendLoop.js';
import type { ShardPredictor } from './ShardPredictor.js';

/**
 * Puts an accepted item into the lane of its predicted shard (once the shard map is known), and
 * sends what that makes ready: a PutRecords call's worth of one-item records, or an aggregated
 * record that closed; otherwise it makes sure bufferTime runs.
 */
export class ItemPlacer<T> {
  private readonly aggregates: boolean;
  /** Items are keyed by default (no partitionKey option). */
  private readonly defaultKeys: boolean;

  constructor(
    private readonly options: ResolvedProducerOptions<T>,
    private readonly predictor: ShardPredictor,
    private readonly batcher: RecordBatcher<T>,
    private readonly preparer: ItemPreparer<T>,
    private readonly sendLoop: SendLoop<T>,
    private readonly failures: ItemFailures<T>,
  ) {
    this.aggregates = options.processor.aggregator.aggregates;
    this.defaultKeys = options.partitionKey === undefined;
  }

  place(item: QueuedItem<T>): void {
    const { batcher, options } = this;
    const laneId =
      this.defaultKeys && item.explicitHashKey === undefined
        ? this.predictor.predictDefault(item.partitionKey)
        : this.predictor.predict(item.partitionKey, item.explicitHashKey);
    // Without aggregation a PutRecords call's worth of records goes at once. Aggregated records
    // go as each one closes (below): open records count no further towards a call.
    const aggregates = this.aggregates;
    if (
      !aggregates &&
      batcher.unreleasedRecords > 0 &&
      batcher.unreleasedBytes + item.size > options.maxRequestBytes
    ) {
      this.sendLoop.release();
    }
    let closedRecord: boolean;
    try {
      closedRecord = batcher.add(item, laneId);
    } catch (error) {
      const context = { streamName: options.address.streamName };
      const failure =
        error instanceof RecordTooLargeError
          ? new ItemTooLargeError(item.item, item.index, error.size, error.limit, {
              cause: error,
              context,
              framed: true,
            })
          : new ItemSerializationError(item.item, item.index, error, context);
      this.failures.failItems([item], failure, laneId);
      this.sendLoop.failBrokenRecords();
      // A record closed before the item was refused goes as any closed record does.
      if (aggregates && batcher.unreleasedClosedRecords > 0) {
        batcher.releaseClosed();
        this.sendLoop.pump();
      }
      return;
    }
    if (aggregates) {
      if (this.defaultKeys) this.preparer.placed(item.partitionKey, laneId);
      // The open record's accumulator threw while closing it (an aggregator of the caller's own).
      this.sendLoop.failBrokenRecords();
      // An aggregated record closes when it is full or the next item does not fit: it goes now.
      if (closedRecord) {
        if (options.partitionKey === undefined) this.preparer.endRun(item.partitionKey);
        this.batcher.releaseClosed();
        this.sendLoop.pump();
      }
      this.sendLoop.ensureBufferTimer();
    } else if (
      batcher.unreleasedRecords >= options.batchSize ||
      batcher.unreleasedBytes >= options.maxRequestBytes
    ) {
      this.sendLoop.release();
    } else {
      this.sendLoop.ensureBufferTimer();
    }
  }
}
