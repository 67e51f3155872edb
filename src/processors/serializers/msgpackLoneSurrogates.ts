import { isWellFormed } from '../wellFormedText.js';
import { uint16, uint32 } from './msgpackFixups.js';

/**
 * Where lone surrogates (halves of UTF-16 pairs on their own) end up in msgpackr's output, which
 * has no UTF-8 form for them: a string shorter than 64 code units is encoded by msgpackr itself,
 * which writes a lone surrogate as `ED A0..BF xx` (invalid UTF-8: Python's `unpackb(raw=False)`
 * refuses it, msgpackr reads it back as U+FFFD); a longer one by the platform's encoder, which
 * writes U+FFFD (`EF BF BD`) in its place, the same bytes as a real U+FFFD.
 */

/** No string of the packed value holds `ED A0..BF` or `EF BF BD`. */
export const STRINGS_CLEAN = 0;
/** A string holds `ED A0..BF`: an encoded lone surrogate, for certain. */
export const STRINGS_SURROGATE = 1;
/** A string holds `EF BF BD`: U+FFFD, written for a lone surrogate or given as such. */
export const STRINGS_REPLACEMENT = 2;

/**
 * Walks the str values (map keys included) of one packed MessagePack value and reports the worst
 * of STRINGS_CLEAN, STRINGS_REPLACEMENT, STRINGS_SURROGATE. Only called for bytes that hold 0xED
 * or 0xEF somewhere, so its cost is off the common path.
 */
export function scanMsgpackStrings(bytes: Uint8Array): number {
  let found = STRINGS_CLEAN;
  let nextEd = bytes.indexOf(0xed);
  let nextEf = bytes.indexOf(0xef);
  let offset = 0;
  let remaining = 1;
  const end = bytes.length;
  while (remaining > 0 && offset < end) {
    remaining -= 1;
    const type = bytes[offset] as number;
    let strStart = -1;
    let strLength = 0;
    if (type <= 0x7f || type >= 0xe0) {
      offset += 1;
    } else if (type <= 0x8f) {
      remaining += (type & 0x0f) * 2;
      offset += 1;
    } else if (type <= 0x9f) {
      remaining += type & 0x0f;
      offset += 1;
    } else if (type <= 0xbf) {
      strStart = offset + 1;
      strLength = type & 0x1f;
    } else if (type === 0xd9) {
      strStart = offset + 2;
      strLength = bytes[offset + 1] as number;
    } else if (type === 0xda) {
      strStart = offset + 3;
      strLength = uint16(bytes, offset + 1);
    } else if (type === 0xdb) {
      strStart = offset + 5;
      strLength = uint32(bytes, offset + 1);
    } else {
      offset = skipOther(bytes, offset, type);
      if (type === 0xdc) remaining += uint16(bytes, offset - 2);
      else if (type === 0xdd) remaining += uint32(bytes, offset - 4);
      else if (type === 0xde) remaining += uint16(bytes, offset - 2) * 2;
      else if (type === 0xdf) remaining += uint32(bytes, offset - 4) * 2;
    }
    if (strStart === -1) continue;
    const strEnd = Math.min(strStart + strLength, end);
    // The next 0xED and 0xEF at or after the string, searched natively (a Buffer's indexOf; a
    // typed array's in a browser) and kept while they lie ahead: the bytes are searched once.
    if (nextEd !== -1 && nextEd < strStart) nextEd = bytes.indexOf(0xed, strStart);
    while (nextEd !== -1 && nextEd < strEnd) {
      if ((bytes[nextEd + 1] as number) >= 0xa0) return STRINGS_SURROGATE;
      nextEd = bytes.indexOf(0xed, nextEd + 1);
    }
    if (nextEf !== -1 && nextEf < strStart) nextEf = bytes.indexOf(0xef, strStart);
    while (nextEf !== -1 && nextEf < strEnd) {
      if (bytes[nextEf + 1] === 0xbf && bytes[nextEf + 2] === 0xbd) found = STRINGS_REPLACEMENT;
      nextEf = bytes.indexOf(0xef, nextEf + 1);
    }
    offset = strEnd;
  }
  return found;
}

/** The offset after a value that is neither a str, a fix-size container nor a positive/negative fixint. */
function skipOther(bytes: Uint8Array, offset: number, type: number): number {
  switch (type) {
    case 0xc4:
      return offset + 2 + (bytes[offset + 1] as number);
    case 0xc5:
      return offset + 3 + uint16(bytes, offset + 1);
    case 0xc6:
      return offset + 5 + uint32(bytes, offset + 1);
    case 0xc7:
      return offset + 3 + (bytes[offset + 1] as number);
    case 0xc8:
      return offset + 4 + uint16(bytes, offset + 1);
    case 0xc9:
      return offset + 6 + uint32(bytes, offset + 1);
    case 0xca:
    case 0xce:
    case 0xd2:
      return offset + 5;
    case 0xcb:
    case 0xcf:
    case 0xd3:
      return offset + 9;
    case 0xcc:
    case 0xd0:
      return offset + 2;
    case 0xcd:
    case 0xd1:
      return offset + 3;
    case 0xd4:
      return offset + 3;
    case 0xd5:
      return offset + 4;
    case 0xd6:
      return offset + 6;
    case 0xd7:
      return offset + 10;
    case 0xd8:
      return offset + 18;
    case 0xdc:
    case 0xde:
      return offset + 3;
    case 0xdd:
    case 0xdf:
      return offset + 5;
    default:
      // 0xc0 nil, 0xc2 false, 0xc3 true (0xc1 is never written).
      return offset + 1;
  }
}

/** A string of an item that holds a lone surrogate, and where it is. */
export interface LoneSurrogateString {
  readonly text: string;
  /** E.g. `the string at $.a[2]` or `the key "k" at $.a`. */
  readonly where: string;
}

/** Deeper nesting is not looked into (msgpackr has packed the item, so there is no cycle). */
const MAX_DEPTH = 10_000;

/**
 * The first string of `value`, among those msgpackr writes (values, object and Map keys, Set
 * members, what a class instance's toJSON() returns, an Error's name and message, a RegExp's
 * source and flags), that holds a lone surrogate; undefined when there is none.
 */
export function findLoneSurrogate(value: unknown): LoneSurrogateString | undefined {
  return visit(value, '$', 0, (text, where) =>
    isWellFormed(text) ? undefined : { text, where: `the ${where}` },
  );
}

/** A typed array of elements wider than a byte (or a DataView) in an item, and where it is. */
export interface NonByteView {
  readonly kind: string;
  /** E.g. `the value at $.a[2]`. */
  readonly where: string;
}

/**
 * The first typed array of elements wider than a byte, or DataView, among the values msgpackr
 * writes (see findLoneSurrogate()); undefined when there is none. msgpackr writes those as a
 * bin of the wrong bytes (each element cut to a byte, the rest left as it was).
 */
export function findNonByteView(value: unknown): NonByteView | undefined {
  let found: NonByteView | undefined;
  visit<true>(
    value,
    '$',
    0,
    () => undefined,
    (view, path) => {
      const bytesPerElement = (view as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT;
      if (bytesPerElement === 1) return undefined;
      found = { kind: view.constructor.name, where: `the value at ${path}` };
      return true;
    },
  );
  return found;
}

function visit<R>(
  value: unknown,
  path: string,
  depth: number,
  onString: (text: string, where: string) => R | undefined,
  onView: (view: ArrayBufferView, path: string) => R | undefined = () => undefined,
): R | undefined {
  if (typeof value === 'string') return onString(value, `string at ${path}`);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return undefined;
  const next = depth + 1;
  const inner = (item: unknown, itemPath: string, itemDepth: number): R | undefined =>
    visit(item, itemPath, itemDepth, onString, onView);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = inner(value[i], `${path}[${i}]`, next);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Map) {
    let index = 0;
    for (const [key, entry] of value) {
      const found =
        inner(key, `${path}.<key ${index}>`, next) ?? inner(entry, `${path}.<value ${index}>`, next);
      if (found !== undefined) return found;
      index += 1;
    }
    return undefined;
  }
  if (value instanceof Set) return inner([...value], path, depth);
  if (value instanceof Error) return inner([value.name, value.message], path, depth);
  if (value instanceof RegExp) return inner([value.source, value.flags], path, depth);
  if (ArrayBuffer.isView(value)) return onView(value, path);
  if (value instanceof ArrayBuffer || value instanceof Date) return undefined;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (Object.getPrototypeOf(value) !== Object.prototype && typeof toJSON === 'function') {
    return inner((toJSON as () => unknown).call(value), path, next);
  }
  for (const key of Object.keys(value)) {
    const keyFound = onString(key, `key ${JSON.stringify(key)} at ${path}`);
    if (keyFound !== undefined) return keyFound;
    const found = inner((value as Record<string, unknown>)[key], `${path}${pathKey(key)}`, next);
    if (found !== undefined) return found;
  }
  return undefined;
}

function pathKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
