import { uint16, uint32 } from './msgpackFixups.js';

/*
 * What the keys of a MessagePack item's maps are, read from its bytes, and the plain objects made
 * of the maps whose keys can all be property names: what msgpackSerializer({ maps: 'auto' })
 * reads, and what tells a map key that is not a string when the default reading fails.
 */

/** mapKeyKinds(): every map key is a str, none of them `__proto__`. */
export const STRING_KEYS = 0;
/** mapKeyKinds(): every map key is a str, and one of them is `__proto__`. */
export const PROTO_KEY = 1;
/** mapKeyKinds(): a map key is not a str (or the bytes end before the item does). */
export const OTHER_KEY = 2;

/** `__proto__` in UTF-8. */
const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f];

/**
 * STRING_KEYS, PROTO_KEY or OTHER_KEY for `bytes` (one MessagePack item): one walk over the
 * bytes, iterative (no recursion on nesting), strings and binaries skipped by their length.
 */
export function mapKeyKinds(bytes: Uint8Array): number {
  const end = bytes.length;
  // The innermost open container: items left in it, and whether it is a map (in a map of n
  // entries, 2n items, each met when an even number is left a key). The ones around it wait in
  // `outer`, each as 2 × items left + 1 for a map (made at the first nesting).
  let left = 1;
  let inMap = false;
  let outer: number[] | undefined;
  let kinds = STRING_KEYS;
  let offset = 0;
  for (;;) {
    if (left === 0) {
      if (outer === undefined || outer.length === 0) return kinds;
      const saved = outer.pop() as number;
      left = Math.floor(saved / 2);
      inMap = saved % 2 === 1;
      continue;
    }
    // (Also NaN: a length read past the end.)
    if (!(offset < end)) return OTHER_KEY;
    const type = bytes[offset] as number;
    if (inMap && left % 2 === 0) {
      left -= 1;
      // A key: a str (fixstr, str 8, 16, 32), else not one.
      const header =
        type >= 0xa0 && type <= 0xbf ? 1 : type === 0xd9 ? 2 : type === 0xda ? 3 : type === 0xdb ? 5 : 0;
      if (header === 0) return OTHER_KEY;
      const length = strLength(bytes, offset, type);
      if (length === PROTO.length && isProto(bytes, offset + header)) kinds = PROTO_KEY;
      offset += header + length;
      continue;
    }
    left -= 1;
    let items: number;
    let map: boolean;
    if (type <= 0x7f || type >= 0xe0) {
      offset += 1;
      continue;
    } else if (type <= 0x9f) {
      map = type <= 0x8f;
      items = map ? 2 * (type & 0x0f) : type & 0x0f;
      offset += 1;
    } else if (type >= 0xdc && type <= 0xdf) {
      const wide = type === 0xdd || type === 0xdf;
      if (offset + (wide ? 5 : 3) > end) return OTHER_KEY;
      const n = wide ? uint32(bytes, offset + 1) : uint16(bytes, offset + 1);
      map = type >= 0xde;
      items = map ? 2 * n : n;
      offset += wide ? 5 : 3;
      // Every item takes a byte at least: a count beyond the bytes left is a truncated item.
      if (items > end - offset) return OTHER_KEY;
    } else {
      offset += scalarSize(bytes, offset, type);
      continue;
    }
    if (items === 0) continue;
    // A container with nothing left after this one is done with: not kept.
    if (left > 0) (outer ??= []).push(2 * left + (inMap ? 1 : 0));
    left = items;
    inMap = map;
  }
}

/** The byte length of the str at `offset`, whose first byte is `type` (fixstr or str 8/16/32). */
function strLength(bytes: Uint8Array, offset: number, type: number): number {
  if (type <= 0xbf) return type & 0x1f;
  if (type === 0xd9) return bytes[offset + 1] ?? 0;
  return type === 0xda ? uint16(bytes, offset + 1) : uint32(bytes, offset + 1);
}

function isProto(bytes: Uint8Array, at: number): boolean {
  for (let k = 0; k < PROTO.length; k += 1) if (bytes[at + k] !== PROTO[k]) return false;
  return true;
}

/** The size of the item at `offset` (not an array or map), whose first byte is `type`. */
function scalarSize(bytes: Uint8Array, offset: number, type: number): number {
  if (type <= 0xbf) return 1 + (type & 0x1f); // fixstr
  switch (type) {
    case 0xc4:
    case 0xd9:
      return 2 + (bytes[offset + 1] ?? 0);
    case 0xc5:
    case 0xda:
      return 3 + uint16(bytes, offset + 1);
    case 0xc6:
    case 0xdb:
      return 5 + uint32(bytes, offset + 1);
    case 0xc7:
      return 3 + (bytes[offset + 1] ?? 0);
    case 0xc8:
      return 4 + uint16(bytes, offset + 1);
    case 0xc9:
      return 6 + uint32(bytes, offset + 1);
    case 0xca:
    case 0xce:
    case 0xd2:
      return 5;
    case 0xcb:
    case 0xcf:
    case 0xd3:
      return 9;
    case 0xcc:
    case 0xd0:
      return 2;
    case 0xcd:
    case 0xd1:
      return 3;
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return 2 + (1 << (type - 0xd4));
    default:
      // nil, never used (0xC1), false, true.
      return 1;
  }
}

/**
 * The value msgpackr read with every map as a Map (`mapsAsObjects: false`), each Map whose keys
 * are all strings other than `__proto__` made a plain object (its keys in their order, but that
 * an object lists integer-like keys first), wherever it is: in an array, as a Map's key or value.
 * Arrays and the Maps that stay are changed in place; other objects are left as they are.
 * Recursive: the caller turns a stack overflow into a DeserializationError.
 */
export function plainMapsAsObjects(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k += 1) value[k] = plainMapsAsObjects(value[k]);
    return value;
  }
  return value instanceof Map ? settleMap(value as Map<unknown, unknown>) : value;
}

function settleMap(map: Map<unknown, unknown>): unknown {
  let plain = true;
  for (const key of map.keys()) {
    if (typeof key !== 'string' || key === '__proto__') {
      plain = false;
      break;
    }
  }
  if (plain) {
    const object: Record<string, unknown> = {};
    for (const [key, entry] of map) object[key as string] = plainMapsAsObjects(entry);
    return object;
  }
  const entries: [unknown, unknown][] = [];
  let keysChanged = false;
  for (const [key, entry] of map) {
    const settled = plainMapsAsObjects(key);
    if (settled !== key) keysChanged = true;
    entries.push([settled, plainMapsAsObjects(entry)]);
  }
  if (keysChanged) return new Map(entries);
  for (const [key, entry] of entries) map.set(key, entry);
  return map;
}
