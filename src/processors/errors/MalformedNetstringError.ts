import { DeaggregationError } from './DeaggregationError.js';

/** A netstring-framed record is not a sequence of `<length>:<bytes>,` frames. */
export class MalformedNetstringError extends DeaggregationError {
  /** Byte offset in the record where the framing broke. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('netstring', `${message} at byte ${offset}`);
    this.offset = offset;
  }
}
