/**
 * The extension types a MessagePack item holds that this reader refuses. MessagePack defines one
 * extension, the timestamp (type -1, 4, 8 or 12 bytes); msgpackr also decodes its own types
 * (shared references and cycles, RegExp, Error, Set, typed arrays, big integers, undefined,
 * records, bundled strings) that Python's msgpack reads as an opaque ExtType. A record from
 * another writer must not turn into such objects, so an item holding any other extension is
 * refused, as an item holding the never-used byte 0xC1 is.
 */

/** Bytes that start an extension: ext 8/16/32 and fixext 1/2/4/8/16. */
const EXTENSION_HEADERS = [0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8];
const TIMESTAMP = 0xff;
const TIMESTAMP_LENGTHS = new Set([4, 8, 12]);

/**
 * What refusedExtension() found: the extension type (signed, as MessagePack numbers it) and its
 * length; for a timestamp, why it cannot be read (Python's msgpack refuses nanoseconds of a
 * second or more; a Date holds at most 8.64e15 ms either side of 1970).
 */
export interface RefusedExtension {
  readonly type: number;
  readonly length: number;
  readonly timestamp?: string;
}

/** The most nanoseconds a Date holds either side of 1970 (8.64e15 ms). */
const DATE_LIMIT_NS = 8_640_000_000_000_000_000_000n;

/**
 * The first extension in `bytes` (one MessagePack item msgpackr decoded) that is not a valid
 * timestamp, or undefined. Items whose bytes hold no extension header byte at all take one native
 * search per header byte; the others are walked, iteratively (no recursion on nesting).
 */
export function refusedExtension(bytes: Uint8Array): RefusedExtension | undefined {
  if (!EXTENSION_HEADERS.some((header) => bytes.indexOf(header) !== -1)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  let offset = 0;
  let remaining = 1;
  while (remaining > 0 && offset < end) {
    remaining -= 1;
    const byte = bytes[offset] as number;
    offset += 1;
    if (byte <= 0x7f || byte >= 0xe0 || byte === 0xc0 || byte === 0xc1 || byte === 0xc2 || byte === 0xc3)
      continue;
    if (byte <= 0x8f) remaining += 2 * (byte & 0x0f);
    else if (byte <= 0x9f) remaining += byte & 0x0f;
    else if (byte <= 0xbf) offset += byte & 0x1f;
    else if (byte >= 0xd4 && byte <= 0xd8) {
      const length = 1 << (byte - 0xd4);
      const found = checkExtension(view, offset, length);
      if (found !== undefined) return found;
      offset += 1 + length;
    } else if (byte === 0xc7 || byte === 0xc8 || byte === 0xc9) {
      const size = byte === 0xc7 ? 1 : byte === 0xc8 ? 2 : 4;
      if (offset + size >= end) return undefined;
      const length =
        size === 1 ? view.getUint8(offset) : size === 2 ? view.getUint16(offset) : view.getUint32(offset);
      const found = checkExtension(view, offset + size, length);
      if (found !== undefined) return found;
      offset += size + 1 + length;
    } else {
      const skip = sizedSkip(byte, view, offset);
      if (skip === undefined) return undefined;
      offset = skip.offset;
      remaining += skip.children;
    }
  }
  return undefined;
}

/** The extension whose type byte is at `at` and whose `length` bytes follow it, if refused. */
function checkExtension(view: DataView, at: number, length: number): RefusedExtension | undefined {
  if (at >= view.byteLength) return undefined;
  const type = view.getUint8(at);
  if (type !== TIMESTAMP || !TIMESTAMP_LENGTHS.has(length)) {
    return { type: type >= 0x80 ? type - 0x100 : type, length };
  }
  // A timestamp cut short is left to msgpackr, which refuses the item as incomplete.
  if (length === 4 || at + 1 + length > view.byteLength) return undefined;
  const nanoseconds = length === 8 ? view.getUint32(at + 1) >>> 2 : view.getUint32(at + 1);
  if (nanoseconds > 999_999_999) {
    return { type: -1, length, timestamp: `${nanoseconds} nanoseconds (at most 999,999,999)` };
  }
  if (length === 12) {
    const seconds = view.getBigInt64(at + 5);
    // Compared to the nanosecond: a timestamp past the last Date by less than a millisecond
    // reads as Invalid Date too.
    const instant = seconds * 1_000_000_000n + BigInt(nanoseconds);
    if (instant > DATE_LIMIT_NS || instant < -DATE_LIMIT_NS)
      return { type: -1, length, timestamp: `${seconds} seconds, beyond what a Date holds` };
  }
  return undefined;
}

/**
 * The offset after the header (and payload) of a bin, str, number, array 16/32 or map 16/32 at
 * `offset` (just past its first byte), and how many items follow it; undefined past the end.
 */
function sizedSkip(
  byte: number,
  view: DataView,
  offset: number,
): { offset: number; children: number } | undefined {
  const end = view.byteLength;
  const need = (bytes: number) => offset + bytes <= end;
  switch (byte) {
    case 0xc4:
    case 0xd9:
      return need(1) ? { offset: offset + 1 + view.getUint8(offset), children: 0 } : undefined;
    case 0xc5:
    case 0xda:
      return need(2) ? { offset: offset + 2 + view.getUint16(offset), children: 0 } : undefined;
    case 0xc6:
    case 0xdb:
      return need(4) ? { offset: offset + 4 + view.getUint32(offset), children: 0 } : undefined;
    case 0xca:
      return { offset: offset + 4, children: 0 };
    case 0xcb:
      return { offset: offset + 8, children: 0 };
    case 0xcc:
    case 0xd0:
      return { offset: offset + 1, children: 0 };
    case 0xcd:
    case 0xd1:
      return { offset: offset + 2, children: 0 };
    case 0xce:
    case 0xd2:
      return { offset: offset + 4, children: 0 };
    case 0xcf:
    case 0xd3:
      return { offset: offset + 8, children: 0 };
    case 0xdc:
      return need(2) ? { offset: offset + 2, children: view.getUint16(offset) } : undefined;
    case 0xdd:
      return need(4) ? { offset: offset + 4, children: view.getUint32(offset) } : undefined;
    case 0xde:
      return need(2) ? { offset: offset + 2, children: 2 * view.getUint16(offset) } : undefined;
    case 0xdf:
      return need(4) ? { offset: offset + 4, children: 2 * view.getUint32(offset) } : undefined;
    default:
      return undefined;
  }
}
