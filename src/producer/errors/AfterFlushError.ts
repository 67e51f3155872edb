import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';
import { describeThrown } from '../../errors/describeThrown.js';

/** The `afterFlush` callback threw or rejected. The records of that flush were delivered. */
export class AfterFlushError extends RxjsKinesisError {
  constructor(cause: unknown, context: ErrorContext = {}) {
    const reason = describeThrown(cause);
    super(`afterFlush failed: ${reason}`, { retriable: false, cause, context });
  }
}
