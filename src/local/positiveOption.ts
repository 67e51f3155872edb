import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/**
 * `value` as a positive number (an integer if `integer`, at most `max` if given); throws
 * InvalidOptionError naming `option` otherwise.
 */
export function positiveOption(value: unknown, option: string, integer: boolean, max?: number): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > 0 &&
    (!integer || Number.isInteger(value)) &&
    (max === undefined || value <= max);
  if (!ok) {
    const kind = integer ? 'a positive integer' : 'a positive number';
    throw new InvalidOptionError(
      option,
      value,
      max === undefined ? `expected ${kind}` : `expected ${kind} up to ${max}`,
    );
  }
  return value as number;
}
