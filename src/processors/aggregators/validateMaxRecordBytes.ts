import { InvalidOptionError } from '../../errors/InvalidOptionError.js';

/** The largest record a stream can take once raised with UpdateMaxRecordSize: 10 MiB. */
export const MAX_RECORD_BYTES_LIMIT = 10 * 1024 * 1024;
/** The default Kinesis record limit: 1 MiB (data + partition key). */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/** Throws InvalidOptionError unless `value` is an integer number of bytes in 1 … 10 MiB. */
export function validateMaxRecordBytes(value: unknown, option = 'maxRecordBytes'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RECORD_BYTES_LIMIT) {
    throw new InvalidOptionError(
      option,
      value,
      `the record limit must be an integer from 1 to ${MAX_RECORD_BYTES_LIMIT} bytes (10 MiB); ` +
        `Kinesis allows 1 MiB unless the stream was raised with UpdateMaxRecordSize`,
    );
  }
  return value;
}
