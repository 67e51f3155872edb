import { Packr, Unpackr } from 'msgpackr';
import { DeserializationError } from '../errors/DeserializationError.js';
import { SerializationError } from '../errors/SerializationError.js';
import type { Serializer } from '../Serializer.js';
import { widenLargeIntegers } from './widenLargeIntegers.js';

const FLOAT64 = 0xcb;

/**
 * MessagePack items in the standard format Python's `msgpack.packb(item, use_bin_type=True)`
 * writes (async-kinesis's MsgpackSerializer): maps for objects (smallest map header),
 * str for strings, bin for Uint8Array/Buffer, nil for null/undefined, and the smallest integer
 * encoding for integral numbers, including beyond 32 bits. Decoding turns maps into plain
 * objects and 64-bit integers into numbers when safe, else bigints.
 */
export function msgpackSerializer<T = unknown>(): Serializer<T> {
  const packr = new Packr({
    useRecords: false,
    variableMapSize: true,
    encodeUndefinedAsNil: true,
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
      try {
        const packed = packr.pack(item);
        // msgpackr writes integers beyond 32 bits as float64; re-pack them as (u)int64 like
        // Python does. Only data that holds a float64 marker byte can need it.
        if (packed.indexOf(FLOAT64) === -1) return packed;
        const widened = widenLargeIntegers(item);
        return widened === item ? packed : packr.pack(widened);
      } catch (error) {
        throw new SerializationError('msgpack', `cannot serialize item: ${describe(error)}`, {
          cause: error,
        });
      }
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
