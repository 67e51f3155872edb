import { RxjsKinesisError, type RxjsKinesisErrorOptions } from '../../errors/RxjsKinesisError.js';

/** Bytes could not be turned back into an item by a serializer. */
export class DeserializationError extends RxjsKinesisError {
  /** Name of the serializer that failed, e.g. "json". */
  readonly format: string;

  constructor(format: string, message: string, options: RxjsKinesisErrorOptions = {}) {
    super(`${format}: ${message}`, { ...options, retriable: false });
    this.format = format;
  }
}
