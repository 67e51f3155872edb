import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';
import { describeThrown } from '../../errors/describeThrown.js';

/** The partition key of an item is not a string of 1 to 256 Unicode characters. Not retriable. */
export class InvalidPartitionKeyError extends RxjsKinesisError {
  readonly item: unknown;
  readonly partitionKey: unknown;

  constructor(
    item: unknown,
    index: number,
    partitionKey: unknown,
    cause: unknown,
    context: ErrorContext = {},
  ) {
    const reason = describeThrown(cause);
    super(`Item #${index} has an invalid partition key: ${reason}`, {
      retriable: false,
      cause,
      context: { ...context, itemIndex: index },
    });
    this.item = item;
    this.partitionKey = partitionKey;
  }
}
