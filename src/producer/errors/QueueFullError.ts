import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';

/**
 * The producer's queue was full (`maxQueueSize` items or `maxQueueBytes` bytes waiting) when an
 * item arrived, and the overflow policy refused it. The item was not accepted. Retriable: the
 * same item may be accepted once the queue drains.
 */
export class QueueFullError extends RxjsKinesisError {
  readonly item: unknown;
  readonly queuedItems: number;
  readonly queuedBytes: number;

  constructor(
    item: unknown,
    index: number,
    queuedItems: number,
    queuedBytes: number,
    context: ErrorContext = {},
  ) {
    super(
      `Item #${index} was refused: the producer queue is full (${queuedItems} items, ${queuedBytes} bytes waiting)`,
      { retriable: true, context: { ...context, itemIndex: index } },
    );
    this.item = item;
    this.queuedItems = queuedItems;
    this.queuedBytes = queuedBytes;
  }
}
