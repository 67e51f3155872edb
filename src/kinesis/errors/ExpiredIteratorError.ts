import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/**
 * A shard iterator is older than 5 minutes (ExpiredIteratorException). Retriable by getting a new
 * iterator from the last known position; repeating the same GetRecords call will not help.
 */
export class ExpiredIteratorError extends KinesisError {
  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? true });
  }
}
