import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';
import { describeThrown } from '../../errors/describeThrown.js';
import type { FailedItem } from './FailedItem.js';

/**
 * Items could not be written because Kinesis refused in a way retrying cannot fix (the stream is
 * missing or not active, access is denied, or the request was invalid), or could not be reached
 * for connectionFailureTimeout. `cause` is the typed error (StreamNotFoundError,
 * AccessDeniedError, KinesisValidationError, ConnectionError, ...); `items` are the affected items
 * with their indexes. Retriable as its cause is: items stopped by a connection outage may be
 * written later, items refused as invalid never.
 */
export class DeliveryFailedError extends RxjsKinesisError {
  readonly items: readonly FailedItem[];
  /** PutRecords attempts made for these items. */
  readonly attempts: number;

  constructor(items: readonly FailedItem[], attempts: number, cause: unknown, context: ErrorContext = {}) {
    const reason = describeThrown(cause);
    super(`${describeItems(items)} could not be delivered: ${reason}`, {
      retriable: cause instanceof RxjsKinesisError && cause.retriable,
      cause,
      context: items.length === 1 ? { ...context, itemIndex: items[0]!.index } : context,
    });
    this.items = items;
    this.attempts = attempts;
  }
}

export function describeItems(items: readonly FailedItem[]): string {
  if (items.length === 1) return `Item #${items[0]!.index}`;
  const shown = items.slice(0, 5).map((entry) => `#${entry.index}`);
  return `${items.length} items (${shown.join(', ')}${items.length > 5 ? ', ...' : ''})`;
}
