import { InvalidOptionError } from './InvalidOptionError.js';

/**
 * The value an unknown option's error shows instead of the one given: an unknown name (often a
 * misspelt one, such as `pasword` or `credentails`) says nothing of whether its value is secret.
 */
export const UNSHOWN_VALUE = '(not shown: unknown option)';

/** An InvalidOptionError for an option name nobody knows, listing the known ones. */
export function unknownOptionError(name: string, known: Iterable<string>): InvalidOptionError {
  return new InvalidOptionError(
    name,
    UNSHOWN_VALUE,
    `unknown option; known options are ${[...known].join(', ')}`,
  );
}
