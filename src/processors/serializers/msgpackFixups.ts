import { Buffer } from '../../platform/buffer.js';
import { write32, writeNumberAt } from './msgpackScalars.js';

/**
 * One pass over MessagePack bytes as msgpackr writes them, fixing in place what differs from
 * Python's `msgpack.packb(value, use_bin_type=True)`:
 * - msgpackr writes an integral number beyond 32 bits as float64 (`cb`); Python writes an
 *   integer, uint64 (`cf`) when positive and int64 (`d3`) when negative. Both take 9 bytes, so
 *   the value is rewritten where it stands (safe integers only, as msgpackr cannot tell larger
 *   ones from floats either).
 * - msgpackr writes a bigint that fits int64 as int64 (`d3`): one that is not negative is made
 *   uint64 (`cf`), as Python writes it, and the offset of one within 32 bits (which Python writes
 *   in 1 to 5 bytes) is pushed to `smallInts`, for shortenSmallInts().
 * - msgpackr writes a Date of 2^32 to 2^34 seconds (years 2106 to 2514) as a 96-bit timestamp,
 *   where Python writes 64 bits: its offset is pushed to `smallInts` too.
 * - msgpackr writes `undefined` (and a function, which it treats as undefined, and an array
 *   hole) as the fixext `d4 00 00`, a value Python has no counterpart for, and an invalid Date
 *   as the timestamp `d4 ff ff`, which Python refuses to read. The offset of either is returned
 *   so the caller can refuse the item.
 * - It notes whether a str of 64 bytes or more was written: msgpackr writes strings of 64 code
 *   units or more with the platform's UTF-8 encoder, which puts U+FFFD (`EF BF BD`) in place of
 *   a lone surrogate, so the caller then searches for 0xEF too (see msgpackLoneSurrogates.ts).
 * - It notes whether a bin was written: msgpackr writes a typed array of wider elements (or a
 *   DataView) as a bin of the wrong bytes, so the caller then looks for one in the item.
 * Returns the offset of the first `d4 00 00` or `d4 ff ff`; else -1 - flags, the flags
 * (HAS_LONG_STRING, HAS_BINARY) saying what was seen (see fixupFlags()).
 */
export function fixMsgpackForPython(bytes: Uint8Array, smallInts?: number[]): number {
  let flags = 0;
  let offset = 0;
  let remaining = 1;
  const end = bytes.length;
  while (remaining > 0 && offset < end) {
    remaining -= 1;
    const type = bytes[offset] as number;
    if (type <= 0x7f || type >= 0xe0) {
      offset += 1;
    } else if (type <= 0x8f) {
      remaining += (type & 0x0f) * 2;
      offset += 1;
    } else if (type <= 0x9f) {
      remaining += type & 0x0f;
      offset += 1;
    } else if (type <= 0xbf) {
      offset += 1 + (type & 0x1f);
    } else {
      switch (type) {
        case 0xc4:
          flags |= HAS_BINARY;
          offset += 2 + (bytes[offset + 1] as number);
          break;
        case 0xd9: {
          const length = bytes[offset + 1] as number;
          if (length >= 64) flags |= HAS_LONG_STRING;
          offset += 2 + length;
          break;
        }
        case 0xc5:
          flags |= HAS_BINARY;
          offset += 3 + uint16(bytes, offset + 1);
          break;
        case 0xda:
          flags |= HAS_LONG_STRING;
          offset += 3 + uint16(bytes, offset + 1);
          break;
        case 0xc6:
          flags |= HAS_BINARY;
          offset += 5 + uint32(bytes, offset + 1);
          break;
        case 0xdb:
          flags |= HAS_LONG_STRING;
          offset += 5 + uint32(bytes, offset + 1);
          break;
        case 0xc7:
          // A 96-bit timestamp of 2^32 to 2^34 seconds: Python writes it in 64 bits.
          if (bytes[offset + 1] === 12 && bytes[offset + 2] === 0xff && isShortTimestamp(bytes, offset))
            smallInts?.push(offset);
          offset += 3 + (bytes[offset + 1] as number);
          break;
        case 0xc8:
          offset += 4 + uint16(bytes, offset + 1);
          break;
        case 0xc9:
          offset += 6 + uint32(bytes, offset + 1);
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          offset += 5;
          break;
        case 0xcb:
          fixFloat64(bytes, offset);
          offset += 9;
          break;
        case 0xcc:
        case 0xd0:
          offset += 2;
          break;
        case 0xcd:
        case 0xd1:
          offset += 3;
          break;
        case 0xcf:
          offset += 9;
          break;
        case 0xd3: {
          // msgpackr writes a bigint that fits int64 as int64: Python writes a non-negative one
          // as uint64, and one within 32 bits shorter (noted for shortenSmallInts()).
          const high = uint32(bytes, offset + 1);
          if (high < 0x80000000) {
            bytes[offset] = 0xcf;
            if (high === 0) smallInts?.push(offset);
          } else if (high === 0xffffffff && (bytes[offset + 5] as number) >= 0x80) {
            smallInts?.push(offset);
          }
          offset += 9;
          break;
        }
        case 0xd4:
          if (bytes[offset + 1] === 0 && bytes[offset + 2] === 0) return offset;
          if (bytes[offset + 1] === 0xff && bytes[offset + 2] === 0xff) return offset;
          offset += 3;
          break;
        case 0xd5:
          offset += 4;
          break;
        case 0xd6:
          offset += 6;
          break;
        case 0xd7:
          offset += 10;
          break;
        case 0xd8:
          offset += 18;
          break;
        case 0xdc:
          remaining += uint16(bytes, offset + 1);
          offset += 3;
          break;
        case 0xdd:
          remaining += uint32(bytes, offset + 1);
          offset += 5;
          break;
        case 0xde:
          remaining += uint16(bytes, offset + 1) * 2;
          offset += 3;
          break;
        case 0xdf:
          remaining += uint32(bytes, offset + 1) * 2;
          offset += 5;
          break;
        default:
          // 0xc0 nil, 0xc2 false, 0xc3 true (0xc1 is never written).
          offset += 1;
      }
    }
  }
  return -1 - flags;
}

/**
 * `bytes` with the 9-byte integers at `offsets` (uint64 or int64 holding a value within 32 bits,
 * in order) written in their smallest encoding, and the 96-bit timestamps there in 64 bits, as
 * Python writes them: a copy, shorter.
 */
export function shortenSmallInts(bytes: Buffer, offsets: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let from = 0;
  let to = 0;
  for (const offset of offsets) {
    to += bytes.copy(out, to, from, offset);
    if (bytes[offset] === 0xc7) {
      to = writeShortTimestamp(out, to, bytes, offset);
      from = offset + 15;
      continue;
    }
    const low = uint32(bytes, offset + 5);
    to = writeNumberAt(out, to, bytes[offset] === 0xcf ? low : low - 0x100000000);
    from = offset + 9;
  }
  to += bytes.copy(out, to, from);
  return out.subarray(0, to);
}

/** Whether the 96-bit timestamp at `at` holds 2^32 to 2^34 - 1 seconds (Python: 64 bits). */
function isShortTimestamp(bytes: Uint8Array, at: number): boolean {
  const high = uint32(bytes, at + 7);
  return high >= 1 && high <= 3;
}

/** Writes the 96-bit timestamp at `at` of `bytes` in 64 bits into `out` at `to`; returns the end. */
function writeShortTimestamp(out: Uint8Array, to: number, bytes: Uint8Array, at: number): number {
  out[to] = 0xd7;
  out[to + 1] = 0xff;
  // Nanoseconds in the top 30 bits, the seconds' upper 2 bits below them; then their low 32 bits.
  write32(out, to + 2, uint32(bytes, at + 3) * 4 + uint32(bytes, at + 7));
  write32(out, to + 6, uint32(bytes, at + 11));
  return to + 10;
}

/** A str of 64 bytes or more was written. */
export const HAS_LONG_STRING = 1;
/** A bin was written. */
export const HAS_BINARY = 2;

/** The flags of a negative answer of fixMsgpackForPython(). */
export function fixupFlags(answer: number): number {
  return -1 - answer;
}

// Big-endian reads and writes by hand (no DataView or Buffer method call per value). A float64
// goes through one 8-byte scratch, its bytes reversed (little-endian platforms: every platform
// Node and current browsers run on).
const scratchFloat = new Float64Array(1);
const scratchBytes = new Uint8Array(scratchFloat.buffer);

/** The big-endian uint16 at `at`. */
export function uint16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

/** The big-endian uint32 at `at`. */
export function uint32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] as number) * 0x1000000 +
    (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))
  );
}

/** Rewrites the float64 at `at` (its marker byte) as uint64 / int64 when it holds a safe integer beyond 32 bits. */
function fixFloat64(bytes: Uint8Array, at: number): void {
  for (let k = 0; k < 8; k += 1) scratchBytes[k] = bytes[at + 8 - k] as number;
  const value = scratchFloat[0] as number;
  if (!Number.isSafeInteger(value) || (value <= 0xffffffff && value >= -0x80000000)) return;
  // Two's complement over 64 bits for negative values: high word of 2^64 + value, low word.
  const high = value > 0 ? Math.floor(value / 0x100000000) : Math.floor(value / 0x100000000) + 0x100000000;
  const low = value - Math.floor(value / 0x100000000) * 0x100000000;
  bytes[at] = value > 0 ? 0xcf : 0xd3;
  bytes[at + 1] = high >>> 24;
  bytes[at + 2] = (high >>> 16) & 0xff;
  bytes[at + 3] = (high >>> 8) & 0xff;
  bytes[at + 4] = high & 0xff;
  bytes[at + 5] = low >>> 24;
  bytes[at + 6] = (low >>> 16) & 0xff;
  bytes[at + 7] = (low >>> 8) & 0xff;
  bytes[at + 8] = low & 0xff;
}
