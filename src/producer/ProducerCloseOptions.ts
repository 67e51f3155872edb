import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/** How Producer.close() ends the producer. */
export interface ProducerCloseOptions {
  /**
   * false (default): deliver everything accepted first. true: deliver nothing more: every item
   * not yet delivered fails at once with ProducerAbortedError (see there), and put() calls
   * waiting for room reject with it. Also ends a close() still delivering.
   */
  readonly abort?: boolean;
}

const KNOWN = ['abort'];

/** Validates close()'s options; throws InvalidOptionError. Returns whether to abort. */
export function resolveCloseOptions(options: unknown): boolean {
  if (options === undefined) return false;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('close options', options, 'expected { abort?: boolean } or nothing');
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN.includes(key)) {
      throw new InvalidOptionError(`close.${key}`, given[key], `close() knows only ${KNOWN.join(', ')}`);
    }
  }
  const { abort } = given;
  if (abort !== undefined && typeof abort !== 'boolean') {
    throw new InvalidOptionError('close.abort', abort, 'expected true or false');
  }
  return abort === true;
}
