import { RxjsKinesisError, type ErrorContext } from '../../index.js';
import { describePattern } from '../describePattern.js';

/** An `@EventPattern()` handler did not finish within its timeout; its event was given up. */
export class HandlerTimeoutError extends RxjsKinesisError {
  readonly pattern: string;
  readonly timeoutMs: number;

  constructor(pattern: string, timeoutMs: number, context: ErrorContext) {
    super(
      `Handler for ${describePattern(pattern)} did not finish within ${timeoutMs} ms ` +
        `(${context.shardId ?? '?'} @ ${context.sequenceNumber ?? '?'})`,
      { retriable: false, context },
    );
    this.pattern = pattern;
    this.timeoutMs = timeoutMs;
  }
}
