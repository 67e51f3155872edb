import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';

/**
 * One item can never fit in a Kinesis record: its data, partition key and framing alone are
 * larger than the record limit. Nothing was split or truncated; the item was not accepted.
 */
export class RecordTooLargeError extends RxjsKinesisError {
  /** Bytes the item alone would take in a record (data + partition key + framing). */
  readonly size: number;
  /** The record limit in bytes. */
  readonly limit: number;
  /** Position of the item in the caller's input, when known. */
  readonly itemIndex?: number;

  constructor(size: number, limit: number, options: { context?: ErrorContext } = {}) {
    const itemIndex = options.context?.itemIndex;
    super(
      `Item${itemIndex === undefined ? '' : ` #${itemIndex}`} needs ${size} bytes in a Kinesis ` +
        `record (data + partition key + framing) but a record holds at most ${limit} bytes`,
      { retriable: false, context: options.context },
    );
    this.size = size;
    this.limit = limit;
    if (itemIndex !== undefined) this.itemIndex = itemIndex;
  }
}
