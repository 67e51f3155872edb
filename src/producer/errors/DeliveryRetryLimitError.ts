import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';
import { describeThrown } from '../../errors/describeThrown.js';
import { describeItems } from './DeliveryFailedError.js';
import type { FailedItem } from './FailedItem.js';

/**
 * Items were still not written after `retryLimit` retries (throttling, internal failures, 5xx or
 * connection errors each time). `cause` is the last error; `items` are the affected items.
 * Retriable as its cause is (such errors are): the items may be written later.
 */
export class DeliveryRetryLimitError extends RxjsKinesisError {
  readonly items: readonly FailedItem[];
  /** PutRecords attempts made for these items (retryLimit + 1). */
  readonly attempts: number;

  constructor(items: readonly FailedItem[], attempts: number, cause: unknown, context: ErrorContext = {}) {
    const reason = describeThrown(cause);
    super(`${describeItems(items)} not delivered after ${attempts} attempts; last error: ${reason}`, {
      retriable: cause instanceof RxjsKinesisError && cause.retriable,
      cause,
      context: items.length === 1 ? { ...context, itemIndex: items[0]!.index } : context,
    });
    this.items = items;
    this.attempts = attempts;
  }
}
