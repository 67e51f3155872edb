import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';
import { describeThrown } from '../../errors/describeThrown.js';

/** The processor's serializer threw on this item. Not retriable; `cause` is what it threw. */
export class ItemSerializationError extends RxjsKinesisError {
  readonly item: unknown;

  constructor(item: unknown, index: number, cause: unknown, context: ErrorContext = {}) {
    const reason = describeThrown(cause);
    super(`Item #${index} could not be serialized: ${reason}`, {
      retriable: false,
      cause,
      context: { ...context, itemIndex: index },
    });
    this.item = item;
  }
}
