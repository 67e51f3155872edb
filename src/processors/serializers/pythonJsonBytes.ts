import { Buffer } from '../../platform/buffer.js';
import { toPythonJson } from './pythonJson.js';
import { spaceSeparators, spaceSeparatorsInPlace } from './pythonJsonSpacing.js';

/** Texts up to this many characters take the one-pass path, written straight into a slab. */
const MAX_SHORT_LENGTH = 512;
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
  } else {
    // Longer texts: written into a buffer of their exact length (or undefined: the rewrite).
    const spaced = spaceSeparatorsInPlace(compact, Buffer.allocUnsafe);
    if (spaced !== undefined) return spaced.out;
  }
  return Buffer.from(toPythonJson(compact), 'latin1');
}
