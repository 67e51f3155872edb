import { DeserializationError } from '../../../src/processors/errors/DeserializationError';
import { msgpackSerializer } from '../../../src/processors/serializers/msgpackSerializer';
import { bytes, randomJson, seededRandom } from '../seededRandom';

const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

describe('msgpackSerializer', () => {
  const msgpack = msgpackSerializer();

  // Expected bytes are what Python's msgpack.packb(value, use_bin_type=True) writes.
  it.each<[unknown, string]>([
    [{ a: 1 }, '81a16101'],
    [{ b: 2 }, '81a16202'],
    [127, '7f'],
    [128, 'cc80'],
    [-1, 'ff'],
    [-33, 'd0df'],
    [65536, 'ce00010000'],
    [-(2 ** 40), 'd3ffffff0000000000'],
    [1.5, 'cb3ff8000000000000'],
    ['', 'a0'],
    ['x'.repeat(40), `d928${'78'.repeat(40)}`],
    ['é', 'a2c3a9'],
    [null, 'c0'],
    [[true, false], '92c3c2'],
    [Buffer.from([1, 2]), 'c4020102'],
  ])('writes %j as Python msgpack does', (value, expected) => {
    expect(hex(msgpack.serialize(value))).toBe(expected);
  });

  it('writes integers beyond 32 bits as integers, not floats', () => {
    // Python writes 2**40 as uint64 (cf); msgpackr only writes int64 (d3) for bigints below 2^63.
    // Both decode to the same integer.
    const packed = msgpack.serialize({ t: 1_700_000_000_000 });
    expect(hex(packed)).toBe('81a174d30000018bcfe56800');
    expect(msgpack.deserialize(bytes('cf0000010000000000'))).toBe(2 ** 40);
    expect(msgpack.deserialize(packed)).toEqual({ t: 1_700_000_000_000 });
  });

  it('decodes maps as plain objects and large 64-bit integers as bigint', () => {
    expect(msgpack.deserialize(bytes('82a16101a162a3616263'))).toEqual({ a: 1, b: 'abc' });
    expect(msgpack.deserialize(bytes('cfffffffffffffffff'))).toBe(18446744073709551615n);
  });

  it('writes undefined as nil', () => {
    expect(hex(msgpack.serialize({ a: undefined }))).toBe('81a161c0');
  });

  it('throws DeserializationError on truncated data', () => {
    expect(() => msgpack.deserialize(bytes('82a16101'))).toThrow(DeserializationError);
  });

  it('round-trips random values (seeded)', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i += 1) {
      const value = randomJson(random);
      expect(msgpack.deserialize(msgpack.serialize(value))).toEqual(value);
    }
  });
});
