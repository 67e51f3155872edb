// A JSON string in Python's style, written as bytes at an offset of a caller's buffer (the
// one-pass writer, pythonJsonWriter, makes the room first).

/** A character that a JSON string in Python's style escapes: outside printable ASCII, `"` or `\\`. */
export const NEEDS_ESCAPE = /[^ !#-[\]-~]/;

const HEX = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66];

/** The most bytes writeQuotedBytes() writes for a text of `length` code units: quotes, six per unit. */
export function maxQuotedBytes(length: number): number {
  return 6 * length + 2;
}

/**
 * Writes `text` as a JSON string as Python writes it, at `j` (room for maxQuotedBytes): printable
 * ASCII as is but `"` and `\`, the short escapes JSON.stringify uses (`\b \t \n \f \r`), every
 * other code unit as a lowercase `\uXXXX`. Returns the offset after the closing quote.
 */
export function writeQuotedBytes(bytes: Uint8Array, j: number, text: string): number {
  const n = text.length;
  bytes[j] = 0x22;
  j += 1;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      bytes[j] = c;
      j += 1;
    } else {
      j = writeEscape(bytes, j, c);
    }
  }
  bytes[j] = 0x22;
  return j + 1;
}

function writeEscape(bytes: Uint8Array, j: number, c: number): number {
  bytes[j] = 0x5c;
  let short = 0;
  if (c === 0x22 || c === 0x5c) short = c;
  else if (c === 0x08) short = 0x62;
  else if (c === 0x09) short = 0x74;
  else if (c === 0x0a) short = 0x6e;
  else if (c === 0x0c) short = 0x66;
  else if (c === 0x0d) short = 0x72;
  if (short !== 0) {
    bytes[j + 1] = short;
    return j + 2;
  }
  bytes[j + 1] = 0x75;
  bytes[j + 2] = HEX[(c >> 12) & 15] as number;
  bytes[j + 3] = HEX[(c >> 8) & 15] as number;
  bytes[j + 4] = HEX[(c >> 4) & 15] as number;
  bytes[j + 5] = HEX[c & 15] as number;
  return j + 6;
}
