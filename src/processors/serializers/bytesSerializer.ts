import { SerializationError } from '../errors/SerializationError.js';
import type { Serializer } from '../Serializer.js';

/** Raw bytes, unchanged both ways: for payloads you encode yourself. */
export function bytesSerializer(): Serializer<Uint8Array> {
  return {
    name: 'bytes',
    serialize(item: Uint8Array): Uint8Array {
      if (!(item instanceof Uint8Array)) {
        throw new SerializationError('bytes', `expected a Uint8Array item, got ${typeof item}`);
      }
      return item;
    },
    deserialize(bytes: Uint8Array): Uint8Array {
      return bytes;
    },
  };
}
