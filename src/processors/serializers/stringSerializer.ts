import { Buffer } from '../../platform/buffer.js';
import { strictUtf8 } from '../strictUtf8.js';
import { DeserializationError } from '../errors/DeserializationError.js';
import { SerializationError } from '../errors/SerializationError.js';
import type { Serializer } from '../Serializer.js';
import { isWellFormed, loneSurrogateError } from '../wellFormedText.js';
import { toBuffer } from './toBuffer.js';

/**
 * Strings as UTF-8 bytes (async-kinesis's StringSerializer). A string holding a lone surrogate
 * (half of a UTF-16 pair on its own) has no UTF-8 form and is refused with a SerializationError,
 * as Python's `str.encode('utf-8')` refuses it (Buffer.from would write U+FFFD in its place).
 * Decoding rejects invalid UTF-8.
 */
export function stringSerializer(): Serializer<string> {
  return {
    name: 'string',
    serialize(item: string): Uint8Array {
      if (typeof item !== 'string') {
        throw new SerializationError('string', `expected a string item, got ${typeof item}`);
      }
      const bytes = Buffer.from(item, 'utf8');
      // The encoder writes a lone surrogate as U+FFFD (EF BF BD), 3 bytes for 1 code unit: only
      // a text that is not all ASCII and whose bytes hold 0xEF can hold one (checked natively,
      // ~0 ns for ASCII, ~40 ns for 1 KiB of CJK; isWellFormed() alone costs 130–450 ns there).
      if (bytes.length !== item.length && bytes.indexOf(0xef) !== -1 && !isWellFormed(item)) {
        throw loneSurrogateError('string', item);
      }
      return bytes;
    },
    deserialize(bytes: Uint8Array): string {
      const text = strictUtf8(toBuffer(bytes));
      if (text === undefined) throw new DeserializationError('string', 'item is not valid UTF-8');
      return text;
    },
  };
}
