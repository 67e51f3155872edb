import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/**
 * The credentials were refused: missing permission, unknown or expired keys, bad signature,
 * or a KMS key that cannot be used. Not retriable.
 */
export class AccessDeniedError extends KinesisError {
  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? false });
  }
}
