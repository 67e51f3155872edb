import { Buffer } from '../../platform/buffer.js';
import { toPythonJson } from './pythonJson.js';

/**
 * Texts up to this many characters take the one-pass path; longer ones (long strings, mostly)
 * the string rewrite, which skips strings with indexOf instead of walking every character.
 */
const MAX_ONE_PASS_LENGTH = 512;

// Scratch space, written and read within one synchronous call, so that no state survives between
// calls but the bytes: twice MAX_ONE_PASS_LENGTH, allocated on first use.
let scratch = Buffer.alloc(0);

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
  if (n <= MAX_ONE_PASS_LENGTH) {
    if (scratch.length < 2 * n) scratch = Buffer.alloc(2 * MAX_ONE_PASS_LENGTH);
    const length = spaceSeparators(compact, scratch);
    if (length !== -1) return scratch.toString('latin1', 0, length);
  }
  return toPythonJson(compact);
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
