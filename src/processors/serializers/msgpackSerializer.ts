import { Packr, Unpackr } from 'msgpackr';
import { DeserializationError } from '../errors/DeserializationError.js';
import { describeThrown } from '../../errors/describeThrown.js';
import { printableText } from '../../errors/printableText.js';
import { isStackOverflow } from './isStackOverflow.js';
import { SerializationError } from '../errors/SerializationError.js';
import type { Serializer } from '../Serializer.js';
import { loneSurrogateError } from '../wellFormedText.js';
import { writeMsgpack } from './msgpackWriter.js';
import { refusedExtension } from './msgpackExtensions.js';
import { mapKeyKinds, plainMapsAsObjects, STRING_KEYS } from './msgpackMapKeys.js';
import { validateMsgpackOptions, type MsgpackSerializerOptions } from './MsgpackSerializerOptions.js';
import { holdsNeverUsedByte } from './neverUsedByte.js';
import { sameRealmValue } from './sameRealmValue.js';
import {
  HAS_BINARY,
  HAS_LONG_STRING,
  fixMsgpackForPython,
  fixupFlags,
  shortenSmallInts,
} from './msgpackFixups.js';
import {
  STRINGS_CLEAN,
  STRINGS_SURROGATE,
  findLoneSurrogate,
  findNonByteView,
  scanMsgpackStrings,
} from './msgpackLoneSurrogates.js';

/**
 * MessagePack items in the standard format Python's `msgpack.packb(item, use_bin_type=True)`
 * writes (async-kinesis's MsgpackSerializer): maps for objects (smallest map header),
 * str for strings, bin for Uint8Array/Buffer, nil for null, and the smallest integer encoding
 * for integral numbers, including beyond 32 bits (uint64 / int64 as Python writes them).
 * Decoding turns maps into plain objects (keys that are not strings become strings: see the
 * option `maps` for a lossless reading as Maps) and 64-bit integers into numbers when safe, else
 * bigints.
 *
 * `undefined` and functions (anywhere in the item, object properties included) are refused
 * with a SerializationError rather than written as nil: Python has no undefined and its
 * msgpack refuses functions, so there is no byte form to match. Use null, or leave the
 * property out.
 *
 * A string (or key) holding a lone surrogate (half of a UTF-16 pair on its own) has no UTF-8
 * form and is refused with a SerializationError naming it, as Python's msgpack refuses to pack
 * it; msgpackr would write invalid UTF-8 (or U+FFFD) in its place.
 */
export function msgpackSerializer<T = unknown>(options: MsgpackSerializerOptions = {}): Serializer<T> {
  const { refuseExtensions, maps } = validateMsgpackOptions(options);
  const packr = pythonPackr();
  const unpackr = pythonUnpackr(true);
  // The reader of the `maps` option's other modes; the default one calls unpackr itself.
  const readMaps = maps === 'object' ? undefined : mapReader(maps === 'auto' ? unpackr : undefined);
  return {
    name: 'msgpack',
    serialize(item: T): Uint8Array {
      // Written in one pass when the writer takes the item (the common case); else msgpackr
      // packs it and the fix-up walk makes Python's bytes or refuses it.
      return writeMsgpack(item) ?? packOtherwise(packr, item);
    },
    deserialize(bytes: Uint8Array): T {
      // Checked before msgpackr reads the item, so that what it would make of one is never made.
      const extension = refuseExtensions ? refusedExtension(bytes) : undefined;
      if (extension?.timestamp !== undefined)
        throw new DeserializationError(
          'msgpack',
          `item is not valid MessagePack: it holds a timestamp of ${extension.timestamp}`,
        );
      if (extension !== undefined)
        throw new DeserializationError(
          'msgpack',
          `item is not valid MessagePack: it holds extension type ${extension.type} of ` +
            `${extension.length} bytes (only the timestamp, type -1 of 4, 8 or 12 bytes, is read)`,
        );
      let value: unknown;
      try {
        value = readMaps === undefined ? unpackr.unpack(bytes) : readMaps(bytes);
      } catch (error) {
        throw unreadableError(error, readMaps === undefined && readsAsMaps(bytes));
      }
      if (holdsNeverUsedByte(bytes, value))
        throw new DeserializationError(
          'msgpack',
          'item is not valid MessagePack: it holds the never-used byte 0xC1',
        );
      return value as T;
    },
  };
}

/**
 * msgpackr's reader: maps as plain objects or as Maps, 64-bit integers as numbers when safe, else
 * bigints, and no shared references.
 */
function pythonUnpackr(mapsAsObjects: boolean): Unpackr {
  return new Unpackr({
    useRecords: false,
    mapsAsObjects,
    // 'auto' (number when safe, else bigint) is supported at runtime but missing from the typings.
    int64AsType: 'auto' as 'number',
    // msgpackr's shared-reference extensions (types 0x69 and 0x70) are refused: they make cycles.
    structuredClone: false,
  });
}

/**
 * Reads every map as a Map (`maps: 'map'`); given the objects' reader (`maps: 'auto'`), reads an
 * item whose map keys are all strings other than `__proto__` with it, and any other item as Maps,
 * those of string keys alone then made plain objects.
 */
function mapReader(objects: Unpackr | undefined): (bytes: Uint8Array) => unknown {
  const unpackr = pythonUnpackr(false);
  if (objects === undefined) return (bytes) => unpackr.unpack(bytes) as unknown;
  return (bytes) =>
    mapKeyKinds(bytes) === STRING_KEYS
      ? (objects.unpack(bytes) as unknown)
      : plainMapsAsObjects(unpackr.unpack(bytes));
}

/**
 * Whether an item the default reading failed on reads with every map as a Map: then a map key of
 * it cannot be a property name (an array, as Python writes a tuple; a map; bytes; a timestamp).
 * Off the common path: only items that failed are read again.
 */
function readsAsMaps(bytes: Uint8Array): boolean {
  try {
    pythonUnpackr(false).unpack(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The DeserializationError for what msgpackr threw reading an item; `asMaps`: the item was read as
 * objects and reads as Maps.
 */
function unreadableError(error: unknown, asMaps: boolean): DeserializationError {
  const thrown = describeThrown(error);
  // msgpackr quotes the value it read before the extra bytes (up to 100 characters of its JSON):
  // the item's data, which may hold secrets or personal data, and must not reach an error
  // message or a log line. Neither the quote nor msgpackr's error (which holds it) is kept.
  const quotesItem = thrown.startsWith(QUOTES_ITEM);
  // msgpackr's advice (its own option mapsAsObjects) is not ours to give: the option `maps` is.
  const reason = quotesItem
    ? `${QUOTES_ITEM} (the value read is not shown)`
    : printableText(thrown.replace(/\.? *A MessagePack map with non-string keys.*$/s, ''));
  // msgpackr reads nested arrays and maps recursively: thousands of levels run out of stack,
  // which says nothing of whether the item is valid MessagePack.
  if (isStackOverflow(error))
    return new DeserializationError('msgpack', `item is nested too deeply to read (${reason})`);
  const message = asMaps
    ? `cannot read item as plain objects: ${reason} (a map key that is not a string, ` +
      "such as a Python tuple, is read with the option maps: 'map' or 'auto')"
    : `item is not valid MessagePack: ${reason}`;
  return new DeserializationError('msgpack', message, quotesItem ? {} : { cause: error });
}

/** How msgpackr starts the message of an item followed by more bytes, which quotes the value. */
const QUOTES_ITEM = 'Data read, but end of buffer not reached';

/** The msgpackr packer whose bytes packForPython() fixes: plain maps, the smallest map header. */
export function pythonPackr(): Packr {
  return new Packr({ useRecords: false, variableMapSize: true });
}

/**
 * The bytes of an item the one-pass writer did not take: another realm's built-ins in it made
 * this realm's first (so they are written as this realm's are, see sameRealmValue.ts), then the
 * writer again when that changed anything, else msgpackr. (The walk that looks for them reads
 * the item's getters once more: this path reads them again anyway.)
 */
function packOtherwise(packr: Packr, item: unknown): Buffer {
  const local = sameRealmValue(item);
  return (local === item ? undefined : writeMsgpack(local)) ?? packForPython(packr, local);
}

/**
 * msgpackr's bytes for `item`, made Python's in place by one walk over the values (strings and
 * binaries skipped by their length), or a SerializationError for what Python has no byte form
 * for: the path of items the one-pass writer (msgpackWriter.ts) does not take, and what its
 * tests compare it with. A lone surrogate shows as `ED A0..BF` in a string msgpackr wrote itself
 * (searched for natively), or as `EF BF BD` in a long one, which the walk notes: anything it or
 * the search found is looked at off the common path.
 */
export function packForPython(packr: Packr, item: unknown): Buffer {
  let packed: Buffer;
  try {
    packed = packr.pack(item);
  } catch (error) {
    throw new SerializationError('msgpack', `cannot serialize item: ${describeThrown(error)}`, {
      cause: error,
    });
  }
  const smallInts: number[] = [];
  const fixed = fixMsgpackForPython(packed, smallInts);
  const ed = packed.indexOf(0xed);
  if (fixed !== -1 || ed !== -1) refuseIfUnfit(item, packed, fixed, ed);
  return smallInts.length === 0 ? packed : shortenSmallInts(packed, smallInts);
}

/**
 * Throws a SerializationError when the packed item (fixMsgpackForPython's answer `fixed`) holds
 * undefined, a function or an invalid Date (Python has no byte form for them), a typed array of
 * wider elements or a DataView (msgpackr writes the wrong bytes), or a string with a lone
 * surrogate (no UTF-8 form). `ed`: where the first 0xED byte is, or -1.
 */
function refuseIfUnfit(item: unknown, packed: Buffer, fixed: number, ed: number): void {
  if (fixed >= 0) {
    throw new SerializationError(
      'msgpack',
      packed[fixed + 1] === 0
        ? 'cannot serialize item: it holds undefined or a function (or an array hole), which MessagePack (as Python writes it) cannot hold; use null or leave the property out'
        : 'cannot serialize item: it holds an invalid Date, which Python cannot read back',
    );
  }
  const flags = fixupFlags(fixed);
  // msgpackr writes a typed array of wider elements (or a DataView) as a bin of the wrong bytes:
  // an item with a bin is looked at for one.
  if ((flags & HAS_BINARY) !== 0) {
    const view = findNonByteView(item);
    if (view !== undefined) {
      throw new SerializationError(
        'msgpack',
        `cannot serialize item: ${view.where} is a ${view.kind}, not bytes (MessagePack and Python have no typed arrays); ` +
          'pass its bytes, e.g. new Uint8Array(view.buffer, view.byteOffset, view.byteLength)',
      );
    }
  }
  if (ed !== -1 || ((flags & HAS_LONG_STRING) !== 0 && packed.indexOf(0xef) !== -1)) {
    const strings = scanMsgpackStrings(packed);
    if (strings !== STRINGS_CLEAN) refuseLoneSurrogate(item, strings === STRINGS_SURROGATE);
  }
}

/**
 * Throws a SerializationError naming the item's string that holds a lone surrogate; when none of
 * the strings it can see holds one, throws only if the bytes hold one for certain (`certain`):
 * else the U+FFFD they hold is the item's own.
 */
function refuseLoneSurrogate(item: unknown, certain: boolean): void {
  const found = findLoneSurrogate(item);
  if (found !== undefined) throw loneSurrogateError('msgpack', found.text, found.where);
  if (certain) {
    throw new SerializationError(
      'msgpack',
      'cannot serialize item: one of its strings holds a lone surrogate (half of a UTF-16 pair on its own), which has no UTF-8 form; Python refuses it too',
    );
  }
}
