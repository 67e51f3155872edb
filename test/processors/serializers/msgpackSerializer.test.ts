import { DeserializationError } from '../../../src/processors/errors/DeserializationError';
import { SerializationError } from '../../../src/processors/errors/SerializationError';
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

  it('writes integers beyond 32 bits as integers, not floats, as Python does', () => {
    // Python writes positive integers beyond 32 bits as uint64 (cf), negative ones as int64 (d3).
    const packed = msgpack.serialize({ t: 1_700_000_000_000 });
    expect(hex(packed)).toBe('81a174cf0000018bcfe56800');
    expect(hex(msgpack.serialize(2 ** 32))).toBe('cf0000000100000000');
    expect(hex(msgpack.serialize(Number.MAX_SAFE_INTEGER))).toBe('cf001fffffffffffff');
    expect(hex(msgpack.serialize(-(2 ** 31) - 1))).toBe('d3ffffffff7fffffff');
    expect(hex(msgpack.serialize(Number.MIN_SAFE_INTEGER))).toBe('d3ffe0000000000001');
    // Inside arrays, maps, nested objects and next to strings and binaries holding cb bytes.
    expect(hex(msgpack.serialize([Buffer.from([0xcb]), { x: [2 ** 40] }, 'Ë']))).toBe(
      '93c401cb81a17891cf0000010000000000a2c38b',
    );
    expect(hex(msgpack.serialize(new Map([['k', 2 ** 40]])))).toBe('81a16bcf0000010000000000');
    // Floats and integers too large to be exact stay float64, as msgpackr cannot tell them apart.
    expect(hex(msgpack.serialize(2 ** 60))).toBe('cb43b0000000000000');
    expect(hex(msgpack.serialize(1.5e10))).toBe('cf000000037e11d600');
    expect(msgpack.deserialize(bytes('cf0000010000000000'))).toBe(2 ** 40);
    expect(msgpack.deserialize(packed)).toEqual({ t: 1_700_000_000_000 });
  });

  it('finds integers beyond 32 bits after 16- and 32-bit lengths and counts (str, bin, array, map, ext)', () => {
    const big = 'cf0000010000000000'; // 2 ** 40
    const str16 = 'a'.repeat(300);
    expect(hex(msgpack.serialize([str16, 2 ** 40]))).toBe(`92da012c${'61'.repeat(300)}${big}`);
    const str32 = 'b'.repeat(70_000);
    expect(hex(msgpack.serialize([str32, -(2 ** 40)]))).toBe(
      `92db00011170${'62'.repeat(70_000)}d3ffffff0000000000`,
    );
    const bin16 = Buffer.alloc(300, 0xcb);
    expect(hex(msgpack.serialize([bin16, 2 ** 40]))).toBe(`92c5012c${'cb'.repeat(300)}${big}`);
    const array16 = Array.from({ length: 20 }, (_, i) => (i === 19 ? 2 ** 40 : i));
    expect(hex(msgpack.serialize(array16))).toBe(
      `dc0014${Array.from({ length: 19 }, (_, i) => i.toString(16).padStart(2, '0')).join('')}${big}`,
    );
    const map16: Record<string, number> = {};
    for (let i = 0; i < 16; i += 1) map16[`k${i.toString(16)}`] = i === 15 ? 2 ** 40 : i;
    const map16Hex = Object.entries(map16)
      .map(
        ([k, v]) =>
          `a26b${Buffer.from(k.slice(1)).toString('hex')}${v === 2 ** 40 ? big : v.toString(16).padStart(2, '0')}`,
      )
      .join('');
    expect(hex(msgpack.serialize(map16))).toBe(`de0010${map16Hex}`);
    // A float64 that holds no integer, and int32 boundaries, stay as msgpackr writes them.
    expect(hex(msgpack.serialize([0.5, 2 ** 32 - 1, -(2 ** 31), 2 ** 32 + 0.5]))).toBe(
      '94cb3fe0000000000000ceffffffffd280000000cb41f0000000080000',
    );
    // undefined after long strings is still found.
    expect(() => msgpack.serialize([str16, str32, bin16, { a: undefined }])).toThrow(SerializationError);
  });

  it('decodes maps as plain objects and large 64-bit integers as bigint', () => {
    expect(msgpack.deserialize(bytes('82a16101a162a3616263'))).toEqual({ a: 1, b: 'abc' });
    expect(msgpack.deserialize(bytes('cfffffffffffffffff'))).toBe(18446744073709551615n);
  });

  it('refuses undefined and functions anywhere in the item (Python has no byte form for them)', () => {
    const refused: unknown[] = [
      undefined,
      { a: undefined },
      [1, undefined],
      { nested: { deep: [undefined] } },
      () => 1,
      { method() {} },
      { callback: () => 1 },
      new Map([['k', undefined]]),
    ];
    for (const value of refused) {
      expect(() => msgpack.serialize(value)).toThrow(SerializationError);
      expect(() => msgpack.serialize(value)).toThrow(/undefined or a function/);
    }
    // Bytes that look like the undefined marker inside strings and binaries are fine.
    expect(hex(msgpack.serialize({ s: '\u00d4', b: Buffer.from([0xd4, 0, 0]) }))).toBe(
      '82a173a2c394a162c403d40000',
    );
  });

  const long = 'x'.repeat(100);
  it.each<[string, unknown, string]>([
    // msgpackr writes strings under 64 code units itself (a lone surrogate as ED A0..BF xx) and
    // longer ones with the platform's encoder (U+FFFD in its place): both are refused.
    ['a short string', 'a\ud800b', 'the string at $ holds a lone surrogate \\ud800 at position 1'],
    ['a long string', `${long}\udc00`, 'the string at $ holds a lone surrogate \\udc00 at position 100'],
    // 63 and 64 code units: either side of msgpackr's switch to the platform's encoder.
    ['63 code units', `${'x'.repeat(62)}\ud800`, 'lone surrogate \\ud800 at position 62'],
    ['64 code units', `${'x'.repeat(63)}\ud800`, 'lone surrogate \\ud800 at position 63'],
    [
      'a value',
      { a: [1, { b: 'x\ud83d' }] },
      'the string at $.a[1].b holds a lone surrogate \\ud83d at position 1',
    ],
    [
      'a short key',
      { ['k\udfff']: 1 },
      'the key "k\\udfff" at $ holds a lone surrogate \\udfff at position 1',
    ],
    ['a long key', { [`${long}\ud800`]: 1 }, 'lone surrogate \\ud800 at position 100'],
    ['a Map key', new Map([['\ud800', 1]]), 'the string at $.<key 0> holds'],
    ['a Set member', new Set(['ok', `${long}\ud800`]), 'the string at $[1] holds'],
    ['a long string next to U+FFFD', ['\ufffd', `${long}\ufffd\udbff`], 'the string at $[1] holds'],
    [
      "a class instance's toJSON() result",
      {
        at: new (class Note {
          toJSON = (): string => `${long}\ud800`;
        })(),
      },
      'the string at $.at holds',
    ],
    [
      'a str 16 after an array 16 and a map 16',
      [
        Array.from({ length: 20 }, () => 1),
        Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
        'y'.repeat(300) + '\udc00',
      ],
      'the string at $[2] holds',
    ],
  ])('refuses a lone surrogate in %s (no UTF-8 form; Python refuses it too)', (_name, item, message) => {
    expect(() => msgpack.serialize(item)).toThrow(SerializationError);
    expect(() => msgpack.serialize(item)).toThrow(message);
  });

  it.each<[string, unknown, string]>([
    ['U+FFFD, short and long', ['\ufffd', `${long}\ufffd`], `92a3efbfbdd967${'78'.repeat(100)}efbfbd`],
    ['U+D7FF (ED 9F BF) and U+FF01 (EF BC 81)', '\ud7ff\uff01', 'a6ed9fbfefbc81'],
    ['a surrogate pair', `${long}\ud83d\ude00`, `d968${'78'.repeat(100)}f09f9880`],
    [
      'bytes and integers holding ED A0 and EF BF BD',
      [Buffer.from([0xed, 0xa0, 0x80, 0xef, 0xbf, 0xbd]), 0xeda0, 0xefbfbd],
      '93c406eda080efbfbdcdeda0ce00efbfbd',
    ],
  ])('writes %s as Python does', (_name, item, expected) => {
    expect(hex(msgpack.serialize(item))).toBe(expected);
    expect(msgpack.deserialize(msgpack.serialize(item))).toEqual(item);
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
