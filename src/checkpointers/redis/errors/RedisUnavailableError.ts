import { isError } from '../../../errors/redact.js';
import { RxjsKinesisError, type ErrorContext } from '../../../errors/RxjsKinesisError.js';

/**
 * Redis did not answer (connection refused or lost, timeout, cluster down, loading its data set)
 * and retrying with back-off did not help, or the calls before it that share its `callTimeout` (a
 * lease snapshot's) took all of it (`attempts` 0: it was not sent). Retriable: the same call may
 * succeed later. A consumer that cannot renew a lease before it expires must stop that shard.
 */
export class RedisUnavailableError extends RxjsKinesisError {
  readonly operation: string;
  readonly attempts: number;

  constructor(operation: string, attempts: number, cause: unknown, context: ErrorContext = {}) {
    const reason = isError(cause) ? cause.message : String(cause);
    const outcome =
      attempts === 0 ? 'was not sent' : `failed after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    super(`Redis unavailable: ${operation} ${outcome}: ${reason}`, { retriable: true, cause, context });
    this.operation = operation;
    this.attempts = attempts;
  }
}
