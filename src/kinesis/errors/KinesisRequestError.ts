import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/**
 * A Kinesis call failed in a way no more specific error describes. Retriable only when the SDK
 * marked the error as such.
 */
export class KinesisRequestError extends KinesisError {
  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? false });
  }
}
