import { Buffer } from '../../platform/buffer.js';
import { toPythonJson } from './pythonJson.js';
import { MAX_LONG_LENGTH, spaceSeparators, spaceSeparatorsInPlace } from './pythonJsonSpacing.js';

/** Texts up to this many characters take the one-pass path (its scratch holds twice as many bytes). */
const MAX_SHORT_LENGTH = 512;

// Scratch space, written and read within one synchronous call, so that no state survives between
// calls but the bytes: 1 KiB for short texts, 128 KiB for long ones, allocated on first use.
let scratch = Buffer.alloc(0);
let longScratch = Buffer.alloc(0);
const longScratchFor = (length: number): Buffer => {
  if (longScratch.length < length) longScratch = Buffer.alloc(Math.max(length, 2 * MAX_LONG_LENGTH));
  return longScratch;
};

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
    const length = spaceSeparators(compact, scratch, 0);
    if (length !== -1) return scratch.toString('latin1', 0, length);
  } else {
    const spaced = spaceSeparatorsInPlace(compact, longScratchFor);
    if (spaced !== undefined) return spaced.out.toString('latin1', 0, spaced.length);
  }
  return toPythonJson(compact);
}
