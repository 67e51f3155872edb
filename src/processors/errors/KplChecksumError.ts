import { DeaggregationError } from './DeaggregationError.js';

/** A record carries the KPL magic number but its MD5 trailer does not match its protobuf body. */
export class KplChecksumError extends DeaggregationError {
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string) {
    super('kpl', `MD5 checksum mismatch: record says ${expected}, body hashes to ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}
