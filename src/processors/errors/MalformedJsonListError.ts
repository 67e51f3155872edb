import { DeaggregationError } from './DeaggregationError.js';

/** A list-aggregated record starts like a JSON array but is not a well-formed one. */
export class MalformedJsonListError extends DeaggregationError {
  /** Byte offset in the record where the array broke. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('list', `${message} at byte ${offset}`);
    this.offset = offset;
  }
}
