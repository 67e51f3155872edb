import { RxjsKinesisError, type RxjsKinesisErrorOptions } from '../../errors/RxjsKinesisError.js';

/** Base class of the errors an aggregator raises when a record's framing is malformed. */
export class DeaggregationError extends RxjsKinesisError {
  /** Name of the aggregator that rejected the record, e.g. "netstring". */
  readonly format: string;

  constructor(format: string, message: string, options: RxjsKinesisErrorOptions = {}) {
    super(`${format}: ${message}`, { ...options, retriable: false });
    this.format = format;
  }
}
