import { RxjsKinesisError, type ErrorContext } from '../../../errors/RxjsKinesisError.js';

/**
 * The ioredis client given to the checkpointer was closed: `quit()` or `disconnect()` (also while
 * it waited to reconnect), or its `retryStrategy` gave up. Neither ioredis nor the checkpointer
 * (which never reconnects a client of yours) will connect it again, so no retry can succeed: not
 * retriable. Close the checkpointer's users (stop the consumers) before the client, or connect
 * the client again (`connect()`) to go on.
 */
export class RedisClientClosedError extends RxjsKinesisError {
  readonly operation: string;

  constructor(operation: string, how: string, context: ErrorContext = {}) {
    super(
      `Redis client closed: ${operation}: the ioredis client given ${how}; it is not connected again ` +
        'by itself (the checkpointer never reconnects a client of yours)',
      { retriable: false, context },
    );
    this.operation = operation;
  }
}
