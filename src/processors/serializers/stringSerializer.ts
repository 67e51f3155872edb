import { Buffer } from '../../platform/buffer.js';
import { strictUtf8 } from '../strictUtf8.js';
import { DeserializationError } from '../errors/DeserializationError.js';
import { SerializationError } from '../errors/SerializationError.js';
import type { Serializer } from '../Serializer.js';
import { toBuffer } from './toBuffer.js';

/** Strings as UTF-8 bytes (async-kinesis's StringSerializer). Decoding rejects invalid UTF-8. */
export function stringSerializer(): Serializer<string> {
  return {
    name: 'string',
    serialize(item: string): Uint8Array {
      if (typeof item !== 'string') {
        throw new SerializationError('string', `expected a string item, got ${typeof item}`);
      }
      return Buffer.from(item, 'utf8');
    },
    deserialize(bytes: Uint8Array): string {
      const text = strictUtf8(toBuffer(bytes));
      if (text === undefined) throw new DeserializationError('string', 'item is not valid UTF-8');
      return text;
    },
  };
}
