import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/**
 * The request never got a complete answer: connection refused or reset, broken pipe, socket hang-up,
 * DNS failure or a client-side timeout. Retriable; the call may or may not have taken effect.
 */
export class ConnectionError extends KinesisError {
  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? true });
  }
}
