import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';
import { classifyError } from '../../kinesis/classifyError.js';
import { KinesisError } from '../../kinesis/errors/KinesisError.js';
import type { LocalKinesisOperation } from './LocalKinesisClosedError.js';

/** What the answer to each helper's own request means when it is this AWS error: done for good. */
const FINAL_ANSWERS: Readonly<Record<LocalKinesisOperation, ReadonlySet<string>>> = {
  // The stream already exists (or is being deleted): creating it again never succeeds.
  createStream: new Set(['ResourceInUseException']),
  // The stream is not there to delete.
  deleteStream: new Set(['ResourceNotFoundException']),
};

/**
 * A request of `createStream()` or `deleteStream()` on the local Kinesis failed: `cause` is the
 * SDK's error and `code` its AWS name (`ResourceInUseException` when the stream to create
 * already exists, `ResourceNotFoundException` when the one to delete does not). Retriable as the
 * SDK error is (a throttled or dropped request), except for those two answers.
 */
export class LocalKinesisRequestError extends RxjsKinesisError {
  readonly operation: LocalKinesisOperation;
  /** The AWS error name (or Node error code) of the cause, when it has one. */
  readonly code: string | undefined;

  constructor(operation: LocalKinesisOperation, streamName: string, cause: unknown) {
    const classified = classifyError(cause);
    const code = classified instanceof KinesisError ? classified.code : undefined;
    super(`${operation}("${streamName}") failed: ${classified.message}`, {
      retriable: code !== undefined && FINAL_ANSWERS[operation].has(code) ? false : classified.retriable,
      cause,
      context: { streamName },
    });
    this.operation = operation;
    this.code = code;
  }
}
