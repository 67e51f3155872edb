import { kplMsgpackProcessor, msgpackSerializer } from '../../../src/index';

/*
 * Bigints written as Python's msgpack writes an int of the same value: the smallest encoding,
 * unsigned when not negative. Expected bytes: `msgpack.packb(value)` (Python msgpack 1.0.3).
 * Both write paths: the one-pass writer (plain items) and msgpackr's with the fix-up walk (items
 * the writer does not take, such as those holding a Map).
 */

const PYTHON: ReadonlyArray<readonly [string, string]> = [
  ['0', '00'],
  ['5', '05'],
  ['127', '7f'],
  ['128', 'cc80'],
  ['255', 'ccff'],
  ['256', 'cd0100'],
  ['65535', 'cdffff'],
  ['65536', 'ce00010000'],
  ['4294967295', 'ceffffffff'],
  ['4294967296', 'cf0000000100000000'],
  ['9007199254740992', 'cf0020000000000000'],
  ['9007199254740993', 'cf0020000000000001'],
  ['1152921504606846976', 'cf1000000000000000'],
  ['9223372036854775807', 'cf7fffffffffffffff'],
  ['9223372036854775808', 'cf8000000000000000'],
  ['18446744073709551615', 'cfffffffffffffffff'],
  ['-1', 'ff'],
  ['-32', 'e0'],
  ['-33', 'd0df'],
  ['-128', 'd080'],
  ['-129', 'd1ff7f'],
  ['-32768', 'd18000'],
  ['-32769', 'd2ffff7fff'],
  ['-2147483648', 'd280000000'],
  ['-2147483649', 'd3ffffffff7fffffff'],
  ['-9007199254740993', 'd3ffdfffffffffffff'],
  ['-9223372036854775808', 'd38000000000000000'],
];

const msgpack = msgpackSerializer<unknown>();
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('msgpack bigints, written as Python writes ints', () => {
  it.each(PYTHON)('%s alone and in an object (the one-pass writer)', (digits, python) => {
    const value = BigInt(digits);
    expect(hex(msgpack.serialize(value))).toBe(python);
    // Python: {'v': value}
    expect(hex(msgpack.serialize({ v: value }))).toBe(`81a176${python}`);
  });

  it.each(PYTHON)('%s in a Map (msgpackr and the fix-up walk)', (digits, python) => {
    const value = BigInt(digits);
    // Python: {'v': value}, and {value: 'v'} as a key.
    expect(hex(msgpack.serialize(new Map([['v', value]])))).toBe(`81a176${python}`);
    expect(hex(msgpack.serialize(new Map([[value, 'v']])))).toBe(`81${python}a176`);
  });

  it('writes small bigints shorter among other values of a Map item, keeping the rest in place', () => {
    const item = new Map<unknown, unknown>([
      [5n, [0n, 128n, -1n, -33n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 31n) - 1n, 'x']],
      ['b', Uint8Array.of(0xd3, 0, 0, 0, 0, 0, 0, 0, 5)],
    ]);
    // Python: {5: [0, 128, -1, -33, -2**31, 2**32 - 1, 2**32, -2**31 - 1, 'x'], 'b': b'\xd3...\x05'}
    expect(hex(msgpack.serialize(item))).toBe(
      '8205' +
        '9900cc80ffd0dfd280000000ceffffffffcf0000000100000000d3ffffffff7fffffffa178' +
        'a162c409d30000000000000005',
    );
  });

  it('writes them so in KPL msgpack items too', () => {
    const serializer = kplMsgpackProcessor<unknown>().serializer;
    // Python: {'id': 2**60, 'n': 5}
    expect(hex(serializer.serialize({ id: 2n ** 60n, n: 5n }))).toBe('82a26964cf1000000000000000a16e05');
  });

  it('reads 64-bit integers Python wrote and writes them back as the same bytes', () => {
    // Python: {'id': 2**60, 'n': [1, -2**62]}: integers beyond 2^53 read as bigints.
    const python = Buffer.from('82a26964cf1000000000000000a16e9201d3c000000000000000', 'hex');
    const read = msgpack.deserialize(python);
    expect(read).toEqual({ id: 2n ** 60n, n: [1, -(2n ** 62n)] });
    expect(hex(msgpack.serialize(read))).toBe(hex(python));
    const asMaps = msgpackSerializer<unknown>({ maps: 'map' });
    // Python: {2**60: [2**63, -2**60]}
    const keyed = Buffer.from('81cf100000000000000092cf8000000000000000d3f000000000000000', 'hex');
    expect(hex(asMaps.serialize(asMaps.deserialize(keyed)))).toBe(hex(keyed));
  });
});
