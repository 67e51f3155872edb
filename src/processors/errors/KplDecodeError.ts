import { DeaggregationError } from './DeaggregationError.js';

/** A KPL aggregated record (right magic, right checksum) holds a truncated or invalid protobuf. */
export class KplDecodeError extends DeaggregationError {
  /** Byte offset inside the protobuf body where decoding failed. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('kpl', `${message} at protobuf byte ${offset}`);
    this.offset = offset;
  }
}
