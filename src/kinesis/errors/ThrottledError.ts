import { KinesisError, type KinesisErrorOptions } from './KinesisError.js';

/**
 * Kinesis refused the call for exceeding a rate or quota: ProvisionedThroughputExceededException,
 * LimitExceededException, ThrottlingException, KMSThrottlingException or HTTP 429. Retriable
 * after a back-off.
 */
export class ThrottledError extends KinesisError {
  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? true });
  }
}
