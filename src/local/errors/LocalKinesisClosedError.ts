import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/** The local Kinesis helpers that can be cut short by `close()`. */
export type LocalKinesisOperation = 'createStream' | 'deleteStream';

/**
 * A helper of the local Kinesis (`createStream()`, `deleteStream()`) was called after `close()`,
 * or was still waiting (for the stream to become ACTIVE, or to be gone) when `close()` ran. The
 * stream may be left half made or half deleted, but the server is gone with it. Not retriable:
 * the same call on this local Kinesis can never succeed; start a new one.
 */
export class LocalKinesisClosedError extends RxjsKinesisError {
  readonly operation: LocalKinesisOperation;

  constructor(operation: LocalKinesisOperation, streamName: string, cause?: unknown) {
    super(`The local Kinesis was closed: ${operation}("${streamName}") cannot complete`, {
      retriable: false,
      cause,
      context: { streamName },
    });
    this.operation = operation;
  }
}
