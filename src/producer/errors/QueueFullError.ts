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

/**
 * A QueueFullError built without capturing a stack. A fast source that floods a full queue under
 * `overflow: 'drop-newest'` has thousands of items refused a second, one error each: capturing a
 * stack (walking up to `Error.stackTraceLimit` frames of RxJS and producer internals, which say
 * nothing the error's context does not) was most of the cost of a refusal. Each error still names
 * its own item, index and queue.
 */
export function queueFullErrorWithoutStack(
  item: unknown,
  index: number,
  queuedItems: number,
  queuedBytes: number,
  context: ErrorContext,
): QueueFullError {
  const errorClass = Error as { stackTraceLimit?: number };
  const limit = errorClass.stackTraceLimit;
  try {
    errorClass.stackTraceLimit = 0;
  } catch {
    // A frozen Error (a hardened realm): the error is built with its stack.
  }
  try {
    return new QueueFullError(item, index, queuedItems, queuedBytes, context);
  } finally {
    if (errorClass.stackTraceLimit !== limit) {
      if (limit === undefined) delete errorClass.stackTraceLimit;
      else errorClass.stackTraceLimit = limit;
    }
  }
}
