// Case: MessagePack never uses the byte 0xC1 (Python's msgpack refuses it as invalid), but
// msgpackr reads it as a marker object, so a corrupt record decoded to an item holding
// `{ name: 'MessagePack 0xC1' }` and went on to the handler (its position committed after it).
// It now fails with a DeserializationError; 0xC1 inside a bin, a string's bytes or a number
// stays data.
import { Packr } from 'msgpackr';
import { DeserializationError } from '../../../src/processors/errors/DeserializationError.js';
import { msgpackProcessor } from '../../../src/processors/namedProcessors.js';

const { serializer } = msgpackProcessor();

test.each([
  ['the item itself', [0xc1]],
  ['an element of an array', [0x92, 0x01, 0xc1]],
  ['a value of a map', [0x81, 0xa1, 0x61, 0xc1]],
  ['deep inside', [0x91, 0x81, 0xa1, 0x61, 0x92, 0x01, 0xc1]],
])('0xC1 as %s is refused', (_where, bytes) => {
  expect(() => serializer.deserialize(Uint8Array.from(bytes))).toThrow(DeserializationError);
  expect(() => serializer.deserialize(Buffer.from(bytes))).toThrow(/never-used byte 0xC1/);
});

test('0xC1 as data (a bin, a float, an integer) decodes as before', () => {
  const item = { bin: Uint8Array.from([0xc1, 0xc1]), float: -1.0000000000000002, n: 0xc1c1 };
  const bytes = new Packr({ useRecords: false, variableMapSize: true }).pack(item);
  expect(bytes.indexOf(0xc1)).not.toBe(-1);
  expect(serializer.deserialize(bytes)).toEqual({
    bin: Buffer.from([0xc1, 0xc1]),
    float: -1.0000000000000002,
    n: 0xc1c1,
  });
});

test('an item of many containers with 0xC1 only as data is not walked for long', () => {
  const item = Array.from({ length: 50_000 }, () => ({ i: 0xc1, bin: Uint8Array.from([0xc1]) }));
  const bytes = serializer.serialize(item);
  expect((serializer.deserialize(bytes) as unknown[]).length).toBe(50_000);
});

test('0xC1 after more containers than any walk limit is still refused', () => {
  // An array32 of the never-used byte then 150,000 empty arrays (one byte each).
  const count = 150_001;
  const bytes = new Uint8Array(5 + count);
  bytes.set([0xdd, (count >>> 24) & 0xff, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff]);
  bytes[5] = 0xc1;
  bytes.fill(0x90, 6);
  expect(() => serializer.deserialize(bytes)).toThrow(/never-used byte 0xC1/);
});
