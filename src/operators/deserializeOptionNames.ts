import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { UNSHOWN_VALUE, unknownOptionError } from '../errors/unknownOptionError.js';

const KNOWN: readonly string[] = ['onDecodeError', 'maxItemsAhead', 'scheduler'];

/**
 * Refuses options of deserialize() that are not an object, and an options object holding a name
 * it does not know: a misspelt name would do nothing, and `{ processor }` would decode with the
 * default processor instead.
 */
export function checkDeserializeOptionNames(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(
      'options',
      options,
      'expected an options object ({ onDecodeError, maxItemsAhead, scheduler })',
    );
  }
  for (const key of Object.keys(options)) {
    if (KNOWN.includes(key)) continue;
    if (key === 'processor') {
      throw new InvalidOptionError(
        'processor',
        UNSHOWN_VALUE,
        'not an option: pass the processor first, deserialize(processor, options), or give it to fromKinesis()',
      );
    }
    throw unknownOptionError(key, KNOWN);
  }
}
