import { Buffer } from '../../platform/buffer.js';
import { endsLongDigitRun } from './pythonJson.js';

// The one-pass writers of Python-style JSON (`", "` and `": "` outside strings), shared by the
// byte path (pythonJsonBytes) and the text path (pythonJsonText). Each gives up (-1 / undefined)
// where toPythonJson() would do more than add the spaces, and the caller then uses it.

/** Longest text the in-place path takes; longer ones go to the string rewrite. */
export const MAX_LONG_LENGTH = 64 * 1024;

// Separator positions (256 KiB), written and read within one synchronous call, allocated on
// first use.
let positions = new Int32Array(0);

/**
 * The in-place path of Python-style JSON for longer texts (long strings, mostly), shared by the
 * byte and text writers: returns `out` (`alloc(length)` for the exact length) holding the bytes
 * of `compact` with a space after each `,` and `:` outside strings, or undefined when the text
 * needs the full rewrite (a character outside printable ASCII, or a number Python may spell
 * differently). Printable ASCII is checked natively (UTF-8 length equal to the length, no DEL);
 * the text goes into the output at once (a native copy), and only the bytes before the last
 * separator move, each segment by the spaces still to come after it.
 */
export function spaceSeparatorsInPlace(
  compact: string,
  alloc: (length: number) => Buffer,
): { readonly out: Buffer; readonly length: number } | undefined {
  const n = compact.length;
  if (n > MAX_LONG_LENGTH) return undefined;
  if (Buffer.byteLength(compact, 'utf8') !== n || compact.indexOf('\u007f') !== -1) return undefined;
  if (positions.length < n) positions = new Int32Array(MAX_LONG_LENGTH);
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    const c = compact.charCodeAt(i);
    if (c === 0x22) {
      let end = compact.indexOf('"', i + 1);
      // A quote preceded by an odd number of backslashes is escaped: look further.
      while (end !== -1 && compact.charCodeAt(end - 1) === 0x5c) {
        let k = end - 1;
        while (compact.charCodeAt(k) === 0x5c) k -= 1;
        if ((end - 1 - k) % 2 === 0) break;
        end = compact.indexOf('"', end + 1);
      }
      // Not JSON.stringify output, but no reason to loop: an unterminated string runs to the end.
      if (end === -1) break;
      i = end;
    } else if (c === 0x2c || c === 0x3a) {
      if (c === 0x2c && endsLongDigitRun(compact, i)) return undefined;
      positions[count] = i;
      count += 1;
    } else if (c === 0x65 || c === 0x45) {
      const before = compact.charCodeAt(i - 1);
      if (before >= 0x30 && before <= 0x39) return undefined;
    } else if (c === 0x2e && compact.charCodeAt(i - 1) === 0x30 && compact.startsWith('0000', i + 1)) {
      return undefined;
    } else if ((c === 0x5d || c === 0x7d) && endsLongDigitRun(compact, i)) {
      return undefined;
    }
  }
  if (endsLongDigitRun(compact, n)) return undefined;
  const length = n + count;
  const out = alloc(length);
  out.write(compact, count, n, 'latin1');
  // Segment k (up to and including separator k) moves from start + count to start + k.
  let start = 0;
  for (let k = 0; k < count; k += 1) {
    const end = (positions[k] as number) + 1;
    const to = start + k;
    const from = start + count;
    const segment = end - start;
    if (segment > 64) out.copyWithin(to, from, from + segment);
    else for (let m = 0; m < segment; m += 1) out[to + m] = out[from + m] as number;
    out[to + segment] = 0x20;
    start = end;
  }
  return { out, length };
}

/**
 * Writes `compact` into `out` from `start` with a space after each `,` and `:` outside strings;
 * returns the offset after the last byte written, or -1 when the text holds a character outside
 * printable ASCII (to be escaped: checked once at the end, from every character's code OR-ed
 * together) or a number that Python may spell differently (an exponent, or `0.0000` leading
 * digits): the same conditions under which toPythonJson() does more than add the spaces. `out`
 * has room for twice the text's length after `start`.
 */
export function spaceSeparators(compact: string, out: Uint8Array, start: number): number {
  const n = compact.length;
  let j = start;
  // Every character's code plus one, OR-ed: above 0x7f when some code is DEL (0x7f) or beyond.
  let high = 0;
  let i = 0;
  while (i < n) {
    const c = compact.charCodeAt(i);
    out[j] = c;
    i += 1;
    j += 1;
    if (c === 0x22) {
      // A string: copied up to its closing quote; a backslash takes the next character along.
      while (i < n) {
        const d = compact.charCodeAt(i);
        out[j] = d;
        i += 1;
        j += 1;
        if (d === 0x22) break;
        high |= d + 1;
        if (d === 0x5c && i < n) {
          const e = compact.charCodeAt(i);
          high |= e + 1;
          out[j] = e;
          i += 1;
          j += 1;
        }
      }
    } else if (c === 0x2c || c === 0x3a) {
      if (c === 0x2c && endsLongDigitRun(compact, i - 1)) return -1;
      out[j] = 0x20;
      j += 1;
    } else {
      high |= c + 1;
      if ((c === 0x5d || c === 0x7d) && endsLongDigitRun(compact, i - 1)) return -1;
      if (c === 0x65 || c === 0x45) {
        // `e` outside a string: in true/false, or an exponent when a digit precedes it.
        const before = compact.charCodeAt(i - 2);
        if (before >= 0x30 && before <= 0x39) return -1;
      } else if (c === 0x2e && compact.charCodeAt(i - 2) === 0x30 && compact.startsWith('0000', i)) {
        return -1;
      }
    }
  }
  if (endsLongDigitRun(compact, n)) return -1;
  return high > 0x7f ? -1 : j;
}
