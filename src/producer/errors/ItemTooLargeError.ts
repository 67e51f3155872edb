import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';

/**
 * One item does not fit in a Kinesis record on its own: its serialized bytes plus partition key
 * (plus the processor's framing) exceed `maxRecordBytes`. Not retriable; nothing was truncated.
 */
export class ItemTooLargeError extends RxjsKinesisError {
  readonly item: unknown;
  /**
   * Bytes the item needs: data + partition key, plus the processor's framing when an
   * aggregating processor refused it (`framed`).
   */
  readonly size: number;
  /** The record limit in bytes (`maxRecordBytes`). */
  readonly limit: number;

  constructor(
    item: unknown,
    index: number,
    size: number,
    limit: number,
    options: { cause?: unknown; context?: ErrorContext; framed?: boolean } = {},
  ) {
    const counted = options.framed === true ? 'data + partition key + framing' : 'data + partition key';
    super(`Item #${index} needs ${size} bytes (${counted}) but a record holds at most ${limit} bytes`, {
      retriable: false,
      cause: options.cause,
      context: { ...options.context, itemIndex: index },
    });
    this.item = item;
    this.size = size;
    this.limit = limit;
  }
}
