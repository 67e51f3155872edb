import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';
import { describeThrown } from '../../errors/describeThrown.js';

/** The ExplicitHashKey of an item is not a decimal integer string from 0 to 2^128-1. Not retriable. */
export class InvalidExplicitHashKeyError extends RxjsKinesisError {
  readonly item: unknown;
  readonly explicitHashKey: unknown;

  constructor(
    item: unknown,
    index: number,
    explicitHashKey: unknown,
    cause: unknown,
    context: ErrorContext = {},
  ) {
    const reason = describeThrown(cause);
    super(`Item #${index} has an invalid ExplicitHashKey: ${reason}`, {
      retriable: false,
      cause,
      context: { ...context, itemIndex: index },
    });
    this.item = item;
    this.explicitHashKey = explicitHashKey;
  }
}
