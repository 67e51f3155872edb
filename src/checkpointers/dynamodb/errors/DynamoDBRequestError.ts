import { isError } from '../../../errors/redact.js';
import { RxjsKinesisError, type ErrorContext } from '../../../errors/RxjsKinesisError.js';

/**
 * A DynamoDB request failed: `retriable` when it was throttled, timed out, lost its connection or
 * got a 5xx answer and retrying with back-off did not help within the attempts allowed; not
 * retriable for any other answer (validation, access denied). `code` is DynamoDB's error name.
 */
export class DynamoDBRequestError extends RxjsKinesisError {
  readonly operation: string;
  readonly tableName: string;
  readonly attempts: number;
  readonly code: string | undefined;

  constructor(options: {
    readonly operation: string;
    readonly tableName: string;
    readonly attempts: number;
    readonly retriable: boolean;
    readonly cause: unknown;
    readonly context?: ErrorContext;
  }) {
    const reason = isError(options.cause) ? options.cause.message : String(options.cause);
    const code = isError(options.cause) ? options.cause.name : undefined;
    super(
      `DynamoDB ${options.operation} on table "${options.tableName}" failed after ${options.attempts} ` +
        `attempt${options.attempts === 1 ? '' : 's'}: ${code !== undefined ? `${code}: ` : ''}${reason}`,
      { retriable: options.retriable, cause: options.cause, context: options.context ?? {} },
    );
    this.operation = options.operation;
    this.tableName = options.tableName;
    this.attempts = options.attempts;
    this.code = code;
  }
}
