import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/**
 * Kinesis rejected the request as invalid (InvalidArgumentException, ValidationException or another
 * 4xx). Not retriable: the same request fails the same way.
 */
export class KinesisValidationError extends KinesisError {
  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? false });
  }
}
