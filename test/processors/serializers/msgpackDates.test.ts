import { describe, expect, it } from '@jest/globals';
import { msgpackSerializer } from '../../../src/processors/serializers/msgpackSerializer.js';

// A Date is written as the timestamp extension in the form Python's msgpack picks for the same
// time (msgpack.packb(msgpack.Timestamp(seconds, nanoseconds)), msgpack 1.0): 32 bits for whole
// seconds below 2^32, 64 bits for other times from 1970 to 2^34 seconds, 96 bits otherwise. The
// bytes below are Python's. Written alone (the one-pass writer) and inside a Map (msgpackr, then
// the fix-up pass), they must be the same.

const cases: [string, number, string][] = [
  ['2^32 - 1 s (2106), whole', (2 ** 32 - 1) * 1000, 'd6ffffffffff'],
  ['2^32 - 1 s and 5 ms', (2 ** 32 - 1) * 1000 + 5, 'd7ff01312d00ffffffff'],
  ['2^32 s, whole', 2 ** 32 * 1000, 'd7ff0000000100000000'],
  ['2^32 s and 1 ms', 2 ** 32 * 1000 + 1, 'd7ff003d090100000000'],
  ['2^34 - 1 s and 999 ms (2514)', (2 ** 34 - 1) * 1000 + 999, 'd7ffee2e1f03ffffffff'],
  ['2^34 s', 2 ** 34 * 1000, 'c70cff000000000000000400000000'],
  ['1 ms after 1970', 1, 'd7ff003d090000000000'],
  ['0.5 s before 1970', -500, 'c70cff1dcd6500ffffffffffffffff'],
];

describe('msgpack Dates', () => {
  const serializer = msgpackSerializer();

  it.each(cases)('%s: written as Python writes it', (_name, time, hex) => {
    expect(Buffer.from(serializer.serialize(new Date(time))).toString('hex')).toBe(hex);
    expect(Buffer.from(serializer.serialize({ d: new Date(time) })).toString('hex')).toBe(`81a164${hex}`);
    expect(Buffer.from(serializer.serialize(new Map([['d', new Date(time)]]))).toString('hex')).toBe(
      `81a164${hex}`,
    );
  });

  it.each(cases)('%s: read back as the same time', (_name, time) => {
    expect((serializer.deserialize(serializer.serialize(new Date(time))) as Date).getTime()).toBe(time);
    const inMap = serializer.deserialize(
      serializer.serialize(
        new Map<string, unknown>([
          ['d', new Date(time)],
          ['n', 1],
        ]),
      ),
    );
    expect(inMap).toEqual({ d: new Date(time), n: 1 });
  });
});
