import { RxjsKinesisError, type ErrorContext } from '../../../errors/RxjsKinesisError.js';

/**
 * Redis refused a command for a reason retrying will not fix (a script error, wrong key type,
 * ACL denial, an unexpected reply). Not retriable: it points at a misconfiguration or a bug.
 */
export class RedisCommandError extends RxjsKinesisError {
  readonly operation: string;

  constructor(operation: string, message: string, cause?: unknown, context: ErrorContext = {}) {
    super(`Redis command failed: ${operation}: ${message}`, { retriable: false, cause, context });
    this.operation = operation;
  }
}
