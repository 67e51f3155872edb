import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { unknownOptionError } from '../../errors/unknownOptionError.js';

/** Options of msgpackSerializer(), msgpackProcessor() and kplMsgpackProcessor(). */
export interface MsgpackSerializerOptions {
  /**
   * Reading: refuse every extension type but the timestamp (type -1 of 4, 8 or 12 bytes) with a
   * DeserializationError naming the type, as a reader that takes only what Python's msgpack
   * writes; so is a timestamp of a second or more of nanoseconds (Python refuses it) or beyond
   * what a Date holds. Default false: the extensions msgpackr writes for `undefined`, big integers, Error,
   * Set, RegExp and typed arrays are read as msgpackr reads them, so items packed by msgpackr in
   * Node read back as they were written. Its shared-reference extensions (which make cycles) are
   * refused either way. Costs a search of each item's bytes (about a third of the read time of a
   * ~100 B item) and a walk of the items that hold an extension header byte.
   */
  readonly refuseExtensions?: boolean | undefined;
  /**
   * Reading: what a MessagePack map becomes.
   * - `'object'` (default): a plain object. A key that is not a string becomes its string
   *   (`1` → `'1'`, `true` → `'true'`, nil → `'null'`, a bigint its digits), so it is written
   *   back as a str (Python then reads the key `'1'`, not `1`); two keys that read as the same
   *   string (Python's `{1: 'a', '1': 'b'}`, `{True: 1, 'true': 2}`) keep the last value alone,
   *   without an error (telling them apart would cost every item a walk of its bytes, about an
   *   eighth of its read time); a key that is an array (a Python tuple), a map, bytes or a
   *   timestamp fails the item with a DeserializationError that names this option. A key
   *   `__proto__` is read as `__proto_`.
   * - `'map'`: every map a `Map`, its keys as they are written (numbers, bigints beyond 2^53,
   *   booleans, null, strings, arrays for tuples, Buffers for bytes, Dates for timestamps)
   *   and in their order. Writing a Map back gives the same map.
   * - `'auto'`: a plain object when every key of the map is a string other than `__proto__`,
   *   else a `Map` (as with `'map'`). Items whose maps have string keys alone read as with
   *   `'object'`, after one walk over their bytes (an eighth more time for a ~100 B item); the
   *   others are read as Maps, then walked (about twice the time).
   */
  readonly maps?: 'object' | 'map' | 'auto' | undefined;
}

/** The checked options. */
export interface MsgpackReading {
  readonly refuseExtensions: boolean;
  readonly maps: 'object' | 'map' | 'auto';
}

const NAMES: readonly string[] = ['refuseExtensions', 'maps'];
const MAPS: readonly unknown[] = ['object', 'map', 'auto'];

/** Checks the options; returns them with their defaults. Throws InvalidOptionError. */
export function validateMsgpackOptions(options: MsgpackSerializerOptions): MsgpackReading {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'expected an object such as { refuseExtensions: true }');
  }
  for (const name of Object.keys(options)) {
    if (!NAMES.includes(name)) throw unknownOptionError(name, NAMES);
  }
  const { refuseExtensions = false, maps = 'object' } = options;
  if (typeof refuseExtensions !== 'boolean') {
    throw new InvalidOptionError('refuseExtensions', refuseExtensions, 'expected true or false');
  }
  if (!MAPS.includes(maps)) {
    throw new InvalidOptionError('maps', maps, "expected 'object', 'map' or 'auto'");
  }
  return { refuseExtensions, maps };
}
