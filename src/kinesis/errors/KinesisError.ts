import { RxjsKinesisError, type RxjsKinesisErrorOptions } from '../../errors/RxjsKinesisError.js';

export interface KinesisErrorOptions extends RxjsKinesisErrorOptions {
  /** The AWS error name (e.g. `ProvisionedThroughputExceededException`) or Node error code. */
  readonly code?: string;
  /** HTTP status of the failed response, when there was one. */
  readonly httpStatusCode?: number;
  /** AWS request id of the failed response, when there was one. */
  readonly requestId?: string;
}

/**
 * Common base of the errors raised by calls to Kinesis. `code` is the AWS error name where there
 * is one, so callers can tell `ThrottlingException` from `LimitExceededException` when they care.
 */
export class KinesisError extends RxjsKinesisError {
  readonly code: string | undefined;
  readonly httpStatusCode: number | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, options: KinesisErrorOptions = {}) {
    super(message, options);
    this.code = options.code;
    this.httpStatusCode = options.httpStatusCode;
    this.requestId = options.requestId;
  }
}
