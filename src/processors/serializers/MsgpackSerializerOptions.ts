import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { unknownOptionError } from '../../errors/unknownOptionError.js';

/** Options of msgpackSerializer(), msgpackProcessor() and kplMsgpackProcessor(). */
export interface MsgpackSerializerOptions {
  /**
   * Reading: refuse every extension type but the timestamp (type -1 of 4, 8 or 12 bytes) with a
   * DeserializationError naming the type, as a reader that takes only what Python's msgpack
   * writes. Default false: the extensions msgpackr writes for `undefined`, big integers, Error,
   * Set, RegExp and typed arrays are read as msgpackr reads them, so items packed by msgpackr in
   * Node read back as they were written. Its shared-reference extensions (which make cycles) are
   * refused either way. Costs a search of each item's bytes (about a third of the read time of a
   * ~100 B item) and a walk of the items that hold an extension header byte.
   */
  readonly refuseExtensions?: boolean;
}

const NAMES: readonly string[] = ['refuseExtensions'];

/** Checks the options; returns refuseExtensions. Throws InvalidOptionError. */
export function validateMsgpackOptions(options: MsgpackSerializerOptions): boolean {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'expected an object such as { refuseExtensions: true }');
  }
  for (const name of Object.keys(options)) {
    if (!NAMES.includes(name)) throw unknownOptionError(name, NAMES);
  }
  const { refuseExtensions = false } = options;
  if (typeof refuseExtensions !== 'boolean') {
    throw new InvalidOptionError('refuseExtensions', refuseExtensions, 'expected true or false');
  }
  return refuseExtensions;
}
