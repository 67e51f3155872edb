import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

export interface StreamNotActiveErrorOptions extends KinesisErrorOptions {
  /** The last stream status seen (CREATING, DELETING, UPDATING...), when known. */
  readonly status?: string;
}

/**
 * The stream exists but cannot serve the call yet: it is CREATING, DELETING or busy
 * (ResourceInUseException), or it did not become ACTIVE in time. Retriable by default.
 */
export class StreamNotActiveError extends KinesisError {
  readonly status: string | undefined;

  constructor(message: string, options: StreamNotActiveErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? true });
    this.status = options.status;
  }
}
