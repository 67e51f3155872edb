import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

export interface RetryLimitExceededErrorOptions extends KinesisErrorOptions {
  /** How many times the operation was tried in total. */
  readonly attempts: number;
}

/**
 * A retriable operation kept failing until the retry limit was reached. `cause` is the last error;
 * `code` repeats the last error's code, if it had one. Not retriable.
 */
export class RetryLimitExceededError extends KinesisError {
  readonly attempts: number;

  constructor(message: string, options: RetryLimitExceededErrorOptions) {
    super(message, { ...options, retriable: options.retriable ?? false });
    this.attempts = options.attempts;
  }
}
