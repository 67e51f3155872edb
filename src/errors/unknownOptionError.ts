import { closestName } from './closestName.js';
import { InvalidOptionError } from './InvalidOptionError.js';

/**
 * The value an unknown option's error shows instead of the one given: an unknown name (often a
 * misspelt one, such as `pasword` or `credentails`) says nothing of whether its value is secret.
 */
export const UNSHOWN_VALUE = '(not shown: unknown option)';

/**
 * An InvalidOptionError for an option name nobody knows, naming the known one it most likely
 * meant (for `enhancedFanOut.consumerNme`, the part after the last dot is compared) and listing
 * the known ones.
 */
export function unknownOptionError(name: string, known: Iterable<string>): InvalidOptionError {
  const names = [...known];
  const meant = closestName(name.slice(name.lastIndexOf('.') + 1), names);
  const hint = meant === undefined ? '' : `did you mean "${meant}"? `;
  return new InvalidOptionError(
    name,
    UNSHOWN_VALUE,
    `unknown option; ${hint}known options are ${names.join(', ')}`,
  );
}
