import { InvalidOptionError } from '../index.js';
import { DEFAULT_HANDLER_TIMEOUT_MS } from './KinesisTransportOptions.js';

/** The longest delay a Node timer can wait. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A timeout in ms from 1 to the longest timer, or Infinity (undefined: `fallback`, by default
 * DEFAULT_HANDLER_TIMEOUT_MS); InvalidOptionError otherwise.
 */
export function validateHandlerTimeout(
  option: string,
  value: unknown,
  fallback: number = DEFAULT_HANDLER_TIMEOUT_MS,
): number {
  if (value === undefined) return fallback;
  if (value === Infinity) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new InvalidOptionError(option, value, `expected ms from 1 to ${MAX_TIMER_MS}, or Infinity`);
  }
  return value;
}
