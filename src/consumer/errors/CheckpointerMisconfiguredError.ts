import { CheckpointerUnavailableError } from './CheckpointerUnavailableError.js';

/**
 * The consumer's checkpointer refused a call in a way that retrying cannot mend: its lease table
 * is missing and may not be created, or was deleted while in use (`LeaseTableMissingError`), or has another key
 * (`LeaseTableKeyError`), a permission it needs on the table is refused
 * (`LeaseTablePermissionError`), its TLS set-up is wrong (`RedisTlsError`), it was given an invalid
 * option (`InvalidOptionError`), it was closed (`CheckpointerClosedError`) or the ioredis client
 * given to it was closed (`RedisClientClosedError`). The consumer stops at once instead of retrying for
 * `checkpointerTimeoutMs`. `cause` is that failure. A CheckpointerUnavailableError, so code that
 * handles that one handles this too; not retriable: the configuration must change first.
 */
export class CheckpointerMisconfiguredError extends CheckpointerUnavailableError {
  constructor(checkpointerName: string, cause: unknown, streamName: string) {
    super(checkpointerName, 0, cause, streamName, {
      message: 'refused a call that retrying cannot mend, the consumer stopped',
      retriable: false,
    });
  }
}
