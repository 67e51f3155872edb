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
      if (!isWellFormed(item)) throw loneSurrogateError('string', item);
      return Buffer.from(item, 'utf8');
    },
    deserialize(bytes: Uint8Array): string {
      const text = strictUtf8(toBuffer(bytes));
      if (text === undefined) throw new DeserializationError('string', 'item is not valid UTF-8');
      return text;
    },
  };
}
