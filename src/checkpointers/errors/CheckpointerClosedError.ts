import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/** An operation was called on a checkpointer after `close()`. Not retriable. */
export class CheckpointerClosedError extends RxjsKinesisError {
  readonly checkpointerName: string;

  constructor(checkpointerName: string, operation: string) {
    super(`Checkpointer "${checkpointerName}" is closed: cannot ${operation}`, { retriable: false });
    this.checkpointerName = checkpointerName;
  }
}
