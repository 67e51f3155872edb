import { loneSurrogateAt } from '../kinesis/hashKey.js';
import { SerializationError } from './errors/SerializationError.js';

/**
 * `String.prototype.isWellFormed` (ES2024: Node ≥ 20 and current browsers; missing from the
 * ES2022 typings the project compiles against, and from older browsers).
 */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** A surrogate that is not half of a pair: with the `u` flag a pair is one code point, outside Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** True when `text` holds no lone surrogate, without the native method (older browsers). */
export function isWellFormedWithoutNative(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * True when `text` holds no lone surrogate (half of a UTF-16 pair on its own), i.e. when it has
 * a UTF-8 form. Native where the runtime has it (for a Latin-1 string it answers at once).
 */
export const isWellFormed: (text: string) => boolean =
  typeof nativeIsWellFormed === 'function'
    ? (text) => nativeIsWellFormed.call(text)
    : isWellFormedWithoutNative;

/**
 * The error for a string that holds a lone surrogate: it has no UTF-8 form, and encoders would
 * silently put U+FFFD (or invalid bytes) in its place; Python's `str.encode('utf-8')` refuses it.
 * `where` names the string inside the item (e.g. `the key "a" at $.b`), or is empty for the item.
 */
export function loneSurrogateError(format: string, text: string, where = 'it'): SerializationError {
  const position = loneSurrogateAt(text);
  const unit = text.charCodeAt(position).toString(16);
  return new SerializationError(
    format,
    `cannot serialize item: ${where} holds a lone surrogate \\u${unit} at position ${position} ` +
      '(half of a UTF-16 pair on its own), which has no UTF-8 form; Python refuses it too',
  );
}
