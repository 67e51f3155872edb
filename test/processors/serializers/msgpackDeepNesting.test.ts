// Case: a MessagePack item of arrays or maps nested 100,000 levels deep. msgpackr reads them
// recursively and runs out of stack; the item was refused as "not valid MessagePack: Maximum
// call stack size exceeded", though nothing in it is invalid. It is now refused as nested too
// deeply to read, as the JSON processors name it (a shallow item still reads).
import { msgpackProcessor } from '../../../src/processors/namedProcessors.js';
import { DeserializationError } from '../../../src/processors/errors/DeserializationError.js';

const DEPTH = 100_000;
const arrays = (depth: number): Buffer => Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0x01])]);
const maps = (depth: number): Buffer =>
  Buffer.concat([
    ...Array.from({ length: depth }, () => Buffer.from([0x81, 0xa1, 0x61])),
    Buffer.from([0x01]),
  ]);

test.each([
  ['objects (default)', msgpackProcessor()],
  ["maps: 'map'", msgpackProcessor({ maps: 'map' })],
  ["maps: 'auto'", msgpackProcessor({ maps: 'auto' })],
])('%s: arrays or maps nested too deeply fail as such', (_case, { serializer }) => {
  for (const bytes of [arrays(DEPTH), maps(DEPTH)]) {
    let caught: unknown;
    try {
      serializer.deserialize(bytes);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DeserializationError);
    expect((caught as Error).message).toBe(
      'msgpack: item is nested too deeply to read (Maximum call stack size exceeded)',
    );
  }
  expect(serializer.deserialize(arrays(3))).toEqual([[[1]]]);
});
