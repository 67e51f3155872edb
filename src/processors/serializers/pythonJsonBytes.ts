import { Buffer } from '../../platform/buffer.js';
import { toPythonJson } from './pythonJson.js';

/** Texts up to this many characters take the one-pass path, written straight into a slab. */
const MAX_SHORT_LENGTH = 512;
/** Longer texts up to this many characters take the in-place path; longer ones the string rewrite. */
const MAX_LONG_LENGTH = 64 * 1024;
/**
 * Bytes of one slab: short texts are written straight into it, each output a view of its own
 * bytes (as Node's Buffer pool does for small buffers, and of the same size), so that no copy
 * into an exact-length buffer follows. A slab lives as long as any view of it.
 */
const SLAB_SIZE = 8 * 1024;

// The open slab, as a Buffer (whose subarray() is the output) and as a plain Uint8Array over the
// same bytes (written element by element: faster than through the Buffer subclass). `slabUsed`
// bytes of it belong to outputs already returned; nothing is ever written below that mark, so
// outputs never share bytes. Allocated on first use.
let slabBuffer: Buffer | undefined;
let slab: Uint8Array = new Uint8Array(0);
let slabUsed = 0;

// Separator positions of the in-place path (256 KiB), allocated on first use.
let positions = new Int32Array(0);

/**
 * The bytes of `toPythonJson(compact)` (Latin-1, which for its pure-ASCII output is the same as
 * UTF-8), produced in one pass in the common case: printable ASCII and plain numbers, where the
 * only change is a space after every `,` and `:` outside strings. For short texts that pass
 * writes the bytes straight into a slab while it reads the characters and returns a view of
 * them; it gives up at the end when it met a character to escape, or at the first number Python
 * may spell differently, and the full rewrite of toPythonJson() answers instead.
 */
export function pythonJsonBytes(compact: string): Uint8Array {
  const n = compact.length;
  if (n <= MAX_SHORT_LENGTH) {
    // The output holds at most two bytes per character (a space after every one).
    if (slabBuffer === undefined || slabUsed + 2 * n > SLAB_SIZE) {
      slabBuffer = Buffer.allocUnsafe(SLAB_SIZE);
      slab = new Uint8Array(slabBuffer.buffer, slabBuffer.byteOffset, SLAB_SIZE);
      slabUsed = 0;
    }
    const start = slabUsed;
    const end = spaceSeparators(compact, slab, start);
    if (end !== -1) {
      slabUsed = end;
      return slabBuffer.subarray(start, end);
    }
  } else if (n <= MAX_LONG_LENGTH) {
    const out = spaceSeparatorsInPlace(compact);
    if (out !== undefined) return out;
  }
  return Buffer.from(toPythonJson(compact), 'latin1');
}

/**
 * Longer texts (long strings, mostly): the text goes into the output at once (a native copy),
 * and only the bytes before the last separator move, each segment by the spaces still to come
 * after it. Printable ASCII is checked natively too: UTF-8 length equal to the length (nothing
 * above 0x7F) and no DEL.
 */
function spaceSeparatorsInPlace(compact: string): Uint8Array | undefined {
  const n = compact.length;
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
      positions[count] = i;
      count += 1;
    } else if (c === 0x65 || c === 0x45) {
      const before = compact.charCodeAt(i - 1);
      if (before >= 0x30 && before <= 0x39) return undefined;
    } else if (c === 0x2e && compact.charCodeAt(i - 1) === 0x30 && compact.startsWith('0000', i + 1)) {
      return undefined;
    }
  }
  const out = Buffer.allocUnsafe(n + count);
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
  return out;
}

/**
 * Writes `compact` into `out` from `start` with a space after each `,` and `:` outside strings;
 * returns the offset after the last byte written, or -1 when the text holds a character outside
 * printable ASCII (to be escaped: checked once at the end, from every character's code OR-ed
 * together) or a number that Python may spell differently (an exponent, or `0.0000` leading
 * digits): the same conditions under which toPythonJson() does more than add the spaces. `out`
 * has room for twice the text's length after `start`.
 */
function spaceSeparators(compact: string, out: Uint8Array, start: number): number {
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
      out[j] = 0x20;
      j += 1;
    } else {
      high |= c + 1;
      if (c === 0x65 || c === 0x45) {
        // `e` outside a string: in true/false, or an exponent when a digit precedes it.
        const before = compact.charCodeAt(i - 2);
        if (before >= 0x30 && before <= 0x39) return -1;
      } else if (c === 0x2e && compact.charCodeAt(i - 2) === 0x30 && compact.startsWith('0000', i)) {
        return -1;
      }
    }
  }
  return high > 0x7f ? -1 : j;
}
