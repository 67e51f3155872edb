import { pythonNumber } from './pythonJson.js';

// A number in Python-style JSON, written as bytes at an offset of a caller's buffer (the
// one-pass writer, pythonJsonWriter, makes the room first).

/** The most bytes writeNumberBytes() writes: `-` and 17 digits, a point, an exponent; or an integer spelled out below 1e309. */
export const MAX_NUMBER_BYTES = 330;

/**
 * Writes a number as JSON.stringify writes it (NaN and infinities as null) and then in Python's
 * spelling, at `j` (room for MAX_NUMBER_BYTES); returns the offset after it.
 */
export function writeNumberBytes(bytes: Uint8Array, j: number, value: number): number {
  if ((value | 0) === value) {
    // Int32 (and -0, which JSON writes as 0).
    let v = value;
    if (v < 0) {
      bytes[j] = 0x2d;
      j += 1;
      v = -v;
    }
    return writeDigits(bytes, j, v);
  }
  if (Number.isSafeInteger(value)) {
    let v = value;
    if (v < 0) {
      bytes[j] = 0x2d;
      j += 1;
      v = -v;
    }
    // Below 2^53: the high part below 2^27, the low part eight digits, zero-padded.
    const high = Math.floor(v / 1e8);
    const low = v - high * 1e8;
    j = writeDigits(bytes, j, high);
    let rest = low;
    for (let k = j + 7; k >= j; k -= 1) {
      const q = (rest / 10) | 0;
      bytes[k] = 0x30 + (rest - q * 10);
      rest = q;
    }
    return j + 8;
  }
  if (value !== value || value === Infinity || value === -Infinity) return writeNullBytes(bytes, j);
  // An integer beyond 2^53: its exact digits (String() pads the shortest ones with zeros).
  let text = Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (needsPythonSpelling(text)) text = pythonNumber(value);
  const n = text.length;
  for (let i = 0; i < n; i += 1) bytes[j + i] = text.charCodeAt(i);
  return j + n;
}

/** Writes `null` at `j` (room for 4 bytes); returns the offset after it. */
export function writeNullBytes(bytes: Uint8Array, j: number): number {
  bytes[j] = 0x6e;
  bytes[j + 1] = 0x75;
  bytes[j + 2] = 0x6c;
  bytes[j + 3] = 0x6c;
  return j + 4;
}

/** Writes the decimal digits of a non-negative integer below 2^31 at `j`; returns the offset after. */
function writeDigits(bytes: Uint8Array, j: number, v: number): number {
  if (v < 10) {
    bytes[j] = 0x30 + v;
    return j + 1;
  }
  let digits = 2;
  for (let limit = 100; v >= limit && digits < 10; limit *= 10) digits += 1;
  let k = j + digits - 1;
  while (k >= j) {
    const q = (v / 10) | 0;
    bytes[k] = 0x30 + (v - q * 10);
    v = q;
    k -= 1;
  }
  return j + digits;
}

/** JavaScript and Python spell a number differently only in exponent form or below 1e-4. */
function needsPythonSpelling(text: string): boolean {
  if (text.indexOf('e') !== -1) return true;
  const s = text.charCodeAt(0) === 0x2d ? 1 : 0;
  return text.length - s > 6 && text.startsWith('0.0000', s);
}
