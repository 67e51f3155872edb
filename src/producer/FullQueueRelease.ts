import type { ProducerQueue } from './ProducerQueue.js';
import type { RecordBatcher } from './RecordBatcher.js';
import type { SendLoop } from './SendLoop.js';

/**
 * What the producer does when its queue cannot take the next item: it cannot fill any further,
 * so what it holds is sent instead of waiting for bufferTime. With aggregation, only while open
 * records hold at least half of it: otherwise the records on their way make room as they are
 * answered, and the open ones keep filling (cut at every item that fills the queue, they would
 * go part-filled, more records and calls for the same items). Once per item accepted: an item
 * refused again and again (a source that overflows) costs nothing more.
 */
export class FullQueueRelease<T> {
  /** The queue was sent as full and no item was accepted since. */
  private sentAsFull = false;

  constructor(
    private readonly batcher: RecordBatcher<T>,
    private readonly queue: ProducerQueue<T>,
    private readonly sendLoop: SendLoop<T>,
  ) {}

  /** The queue cannot take the next item. */
  full(): void {
    if (this.sentAsFull || !this.sendLoop.ready) return;
    if (this.batcher.aggregates && 2 * this.batcher.openItems < this.queue.items) return;
    this.sentAsFull = true;
    this.sendLoop.releaseDue();
  }

  /** An item was placed in a lane. */
  accepted(): void {
    this.sentAsFull = false;
  }
}
