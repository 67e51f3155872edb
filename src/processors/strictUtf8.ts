import type { Buffer } from '../platform/buffer.js';
import { isUtf8 } from '../platform/isUtf8.js';

/**
 * The text of `bytes` when they are valid UTF-8, else undefined. Decoding puts U+FFFD in place
 * of every invalid sequence, so a text without one came from valid bytes and needs no separate
 * check (for a text of ASCII or Latin-1 characters the search ends at once); only a text that
 * holds U+FFFD has its bytes checked, as they may hold that character itself.
 */
export function strictUtf8(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (text.indexOf('\uFFFD') !== -1 && !isUtf8(bytes)) return undefined;
  return text;
}
