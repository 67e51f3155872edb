import { RxjsKinesisError, type RxjsKinesisErrorOptions } from '../../errors/RxjsKinesisError.js';

/** An item could not be turned into bytes (or framed) by a serializer or aggregator. */
export class SerializationError extends RxjsKinesisError {
  /** Name of the serializer or aggregator that failed, e.g. "json". */
  readonly format: string;

  constructor(format: string, message: string, options: RxjsKinesisErrorOptions = {}) {
    super(`${format}: ${message}`, { ...options, retriable: false });
    this.format = format;
  }
}
