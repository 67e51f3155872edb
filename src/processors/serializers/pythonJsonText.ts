import { Buffer } from '../../platform/buffer.js';
import { toPythonJson } from './pythonJson.js';

/** Texts up to this many characters take the one-pass path (its scratch holds twice as many bytes). */
const MAX_SHORT_LENGTH = 512;
/** Longer texts up to this many characters take the in-place path; longer ones the string rewrite. */
const MAX_LONG_LENGTH = 64 * 1024;

// Scratch space, written and read within one synchronous call, so that no state survives between
// calls but the bytes: 1 KiB for short texts, 128 KiB and 256 KiB of separator positions for long
// ones, allocated on first use.
let scratch = Buffer.alloc(0);
let longScratch = Buffer.alloc(0);
let positions = new Int32Array(0);

/**
 * `toPythonJson(compact)` as a string (the text path of the Python-style JSON serializer; the
 * byte path is pythonJsonBytes()). The common case, printable ASCII and plain numbers, where the
 * only change is a space after every `,` and `:` outside strings, takes one pass: the characters
 * go into a scratch buffer with the spaces, and one native Latin-1 decode makes the flat string
 * (cheaper than a concatenation per separator, and the record's encoding then copies one flat
 * string per item). Anything to escape or a number Python spells differently goes to
 * toPythonJson(), so the text is always the same.
 */
export function pythonJsonText(compact: string): string {
  const n = compact.length;
  if (n <= MAX_SHORT_LENGTH) {
    if (scratch.length < 2 * n) scratch = Buffer.alloc(2 * MAX_SHORT_LENGTH);
    const length = spaceSeparators(compact, scratch);
    if (length !== -1) return scratch.toString('latin1', 0, length);
  } else if (n <= MAX_LONG_LENGTH) {
    const text = spaceSeparatorsInPlace(compact);
    if (text !== undefined) return text;
  }
  return toPythonJson(compact);
}

/**
 * Longer texts (long strings, mostly): printable ASCII is checked natively (UTF-8 length equal
 * to the length, no DEL), the separators outside strings are found with strings skipped by
 * indexOf, the text goes into the scratch at once (a native copy), and only the bytes before the
 * last separator move, each segment by the spaces still to come after it.
 */
function spaceSeparatorsInPlace(compact: string): string | undefined {
  const n = compact.length;
  if (Buffer.byteLength(compact, 'utf8') !== n || compact.indexOf('\u007f') !== -1) return undefined;
  if (positions.length < n) positions = new Int32Array(MAX_LONG_LENGTH);
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    const c = compact.charCodeAt(i);
    if (c === 0x22) {
      let end = compact.indexOf('"', i + 1);
      // A quote preceded by an odd number of backslashes is escaped: look further.
      while (compact.charCodeAt(end - 1) === 0x5c) {
        let k = end - 1;
        while (compact.charCodeAt(k) === 0x5c) k -= 1;
        if ((end - 1 - k) % 2 === 0) break;
        end = compact.indexOf('"', end + 1);
      }
      i = end;
    } else if (c === 0x2c || c === 0x3a) {
      positions[count] = i;
      count += 1;
    } else if (c === 0x65 || c === 0x45) {
      const before = compact.charCodeAt(i - 1);
      if (before >= 0x30 && before <= 0x39) return undefined;
    } else if (c === 0x2e && compact.charCodeAt(i - 1) === 0x30 && compact.startsWith('0000', i + 1)) {
      return undefined;
    }
  }
  if (longScratch.length < n + count) longScratch = Buffer.alloc(2 * MAX_LONG_LENGTH);
  const out = longScratch;
  out.write(compact, count, n, 'latin1');
  // Segment k (up to and including separator k) moves from start + count to start + k.
  let start = 0;
  for (let k = 0; k < count; k += 1) {
    const end = (positions[k] as number) + 1;
    const to = start + k;
    const from = start + count;
    const length = end - start;
    if (length > 64) out.copyWithin(to, from, from + length);
    else for (let m = 0; m < length; m += 1) out[to + m] = out[from + m] as number;
    out[to + length] = 0x20;
    start = end;
  }
  return out.toString('latin1', 0, n + count);
}

/**
 * Writes `compact` into `out` with a space after each `,` and `:` outside strings; returns the
 * bytes written, or -1 when the text holds a character outside printable ASCII (to be escaped)
 * or a number that Python may spell differently (an exponent, or `0.0000` leading digits): the
 * same conditions under which toPythonJson() does more than add the spaces. `out` holds at least
 * twice the text's length.
 */
function spaceSeparators(compact: string, out: Uint8Array): number {
  const n = compact.length;
  let j = 0;
  for (let i = 0; i < n; i += 1) {
    const c = compact.charCodeAt(i);
    if (c === 0x22) {
      // A string: copied up to its closing quote; a backslash takes the next character along.
      out[j] = c;
      j += 1;
      for (i += 1; i < n; i += 1) {
        const d = compact.charCodeAt(i);
        if (d < 0x20 || d > 0x7e) return -1;
        out[j] = d;
        j += 1;
        if (d === 0x22) break;
        if (d === 0x5c) {
          i += 1;
          const e = compact.charCodeAt(i);
          if (e < 0x20 || e > 0x7e) return -1;
          out[j] = e;
          j += 1;
        }
      }
    } else if (c === 0x2c || c === 0x3a) {
      out[j] = c;
      out[j + 1] = 0x20;
      j += 2;
    } else {
      if (c < 0x20 || c > 0x7e) return -1;
      if (c === 0x65 || c === 0x45) {
        // `e` outside a string: in true/false, or an exponent when a digit precedes it.
        const before = compact.charCodeAt(i - 1);
        if (before >= 0x30 && before <= 0x39) return -1;
      } else if (c === 0x2e && compact.charCodeAt(i - 1) === 0x30 && compact.startsWith('0000', i + 1)) {
        return -1;
      }
      out[j] = c;
      j += 1;
    }
  }
  return j;
}
