import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/**
 * The stream does not exist, or is not visible to these credentials (ResourceNotFoundException).
 */
export class StreamNotFoundError extends KinesisError {
  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? false });
  }
}
