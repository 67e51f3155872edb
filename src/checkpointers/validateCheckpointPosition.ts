import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { CheckpointPosition } from './Checkpointer.js';

/** Kinesis sequence numbers: decimal digits, at most 129 of them (the API's `0|([1-9]\d{0,128})`). */
const SEQUENCE_NUMBER = /^[0-9]{1,129}$/;

/** Throws InvalidOptionError unless `value` is a Kinesis sequence number (a decimal string). */
export function validateSequenceNumber(value: unknown, option = 'sequenceNumber'): asserts value is string {
  if (typeof value !== 'string' || !SEQUENCE_NUMBER.test(value))
    throw new InvalidOptionError(option, value, 'a sequence number is a string of 1 to 129 decimal digits');
}

/** Throws InvalidOptionError unless `value` is a valid CheckpointPosition. */
export function validateCheckpointPosition(
  value: unknown,
  option = 'position',
): asserts value is CheckpointPosition {
  if (typeof value !== 'object' || value === null)
    throw new InvalidOptionError(
      option,
      value,
      'a position is an object { sequenceNumber, subSequenceNumber? }',
    );
  const { sequenceNumber, subSequenceNumber } = value as Record<string, unknown>;
  validateSequenceNumber(sequenceNumber, `${option}.sequenceNumber`);
  if (
    subSequenceNumber !== undefined &&
    (typeof subSequenceNumber !== 'number' ||
      !Number.isSafeInteger(subSequenceNumber) ||
      subSequenceNumber < 0)
  )
    throw new InvalidOptionError(
      `${option}.subSequenceNumber`,
      subSequenceNumber,
      'a sub-sequence number is a non-negative integer, or undefined for the whole record',
    );
}
