import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/** The caller aborted the operation through its AbortSignal. Not retriable. */
export class AbortedError extends KinesisError {
  constructor(message = 'The operation was aborted', options: KinesisErrorOptions = {}) {
    super(message, { code: 'AbortError', ...options, retriable: options.retriable ?? false });
  }
}
