import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/**
 * Kinesis failed on its side: InternalFailure, ServiceUnavailable or any 5xx response. Retriable.
 */
export class KinesisServiceError extends KinesisError {
  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? true });
  }
}
