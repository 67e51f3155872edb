import { Packr, Unpackr } from 'msgpackr';
import { DeserializationError } from '../errors/DeserializationError.js';
import { SerializationError } from '../errors/SerializationError.js';
import type { Serializer } from '../Serializer.js';
import { fixMsgpackForPython } from './msgpackFixups.js';

/**
 * MessagePack items in the standard format Python's `msgpack.packb(item, use_bin_type=True)`
 * writes (async-kinesis's MsgpackSerializer): maps for objects (smallest map header),
 * str for strings, bin for Uint8Array/Buffer, nil for null, and the smallest integer encoding
 * for integral numbers, including beyond 32 bits (uint64 / int64 as Python writes them).
 * Decoding turns maps into plain objects and 64-bit integers into numbers when safe, else
 * bigints.
 *
 * `undefined` and functions (anywhere in the item, object properties included) are refused
 * with a SerializationError rather than written as nil: Python has no undefined and its
 * msgpack refuses functions, so there is no byte form to match. Use null, or leave the
 * property out.
 */
export function msgpackSerializer<T = unknown>(): Serializer<T> {
  const packr = new Packr({
    useRecords: false,
    variableMapSize: true,
  });
  const unpackr = new Unpackr({
    useRecords: false,
    mapsAsObjects: true,
    // 'auto' (number when safe, else bigint) is supported at runtime but missing from the typings.
    int64AsType: 'auto' as 'number',
  });
  return {
    name: 'msgpack',
    serialize(item: T): Uint8Array {
      let packed: Buffer;
      try {
        packed = packr.pack(item);
      } catch (error) {
        throw new SerializationError('msgpack', `cannot serialize item: ${describe(error)}`, {
          cause: error,
        });
      }
      // One walk over the values (strings and binaries skipped by their length), in place.
      if (fixMsgpackForPython(packed) !== -1) {
        throw new SerializationError(
          'msgpack',
          'cannot serialize item: it holds undefined or a function, which MessagePack (as Python writes it) cannot hold; use null or leave the property out',
        );
      }
      return packed;
    },
    deserialize(bytes: Uint8Array): T {
      try {
        return unpackr.unpack(bytes) as T;
      } catch (error) {
        throw new DeserializationError('msgpack', `item is not valid MessagePack: ${describe(error)}`, {
          cause: error,
        });
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
