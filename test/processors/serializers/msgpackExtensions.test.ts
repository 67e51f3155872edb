import { msgpackSerializer } from '../../../src/processors/serializers/msgpackSerializer';
import { refusedExtension } from '../../../src/processors/serializers/msgpackExtensions';
import { Packr, unpack } from 'msgpackr';
import { DeserializationError } from '../../../src/processors/errors/DeserializationError';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError';

/*
 * Reading msgpack with refuseExtensions: only the timestamp extension (type -1 of 4, 8 or 12
 * bytes) is decoded. The extensions msgpackr adds (shared references and cycles, RegExp, Error,
 * Set, typed arrays, big integers, undefined, records) are refused, and header bytes inside
 * strings, bins and numbers are not taken for extensions. By default msgpackr's extensions read
 * as msgpackr reads them, except its shared references (cycles).
 */
const serializer = msgpackSerializer<unknown>({ refuseExtensions: true });
const byDefault = msgpackSerializer<unknown>();

describe('msgpack reading by default', () => {
  it('refuses msgpackr shared references, which make a cycle', () => {
    const cycle = Uint8Array.from([0xd6, 0x69, 0, 0, 0, 1, 0x91, 0xd6, 0x70, 0, 0, 0, 1]);
    expect(() => byDefault.deserialize(cycle)).toThrow(DeserializationError);
    expect(() => byDefault.deserialize(cycle)).toThrow('not valid MessagePack');
  });

  it('reads what msgpackr packs for undefined, Set, RegExp and Error as msgpackr does', () => {
    const packr = new Packr({ moreTypes: true });
    const item = {
      nothing: undefined,
      set: new Set([1, 2]),
      pattern: /a+b/gi,
      error: new TypeError('x'),
      floats: Float64Array.from([1.5, -2]),
    };
    const bytes = packr.pack(item);
    const read = byDefault.deserialize(bytes) as typeof item;
    expect(read).toEqual(unpack(bytes));
    expect(read).toHaveProperty('nothing', undefined);
    expect(read.set).toEqual(new Set([1, 2]));
    expect(read.pattern).toEqual(/a+b/gi);
    expect(() => serializer.deserialize(bytes)).toThrow('extension type');
  });

  it('refuses options that are not an object of booleans', () => {
    expect(() => msgpackSerializer({ refuseExtensions: 'yes' as unknown as boolean })).toThrow(
      InvalidOptionError,
    );
    expect(() => msgpackSerializer(null as unknown as object)).toThrow(InvalidOptionError);
  });
});

describe('refusedExtension', () => {
  it.each([
    ['a cycle (msgpackr shared references)', [0xd6, 0x69, 0, 0, 0, 1, 0x91, 0xd6, 0x70, 0, 0, 0, 1], 105],
    ['a RegExp', [0xd4, 0x78, 0x00, 0x92, 0xa1, 0x61, 0xa0], 120],
    ['a Set', [0xd4, 0x73, 0x00, 0x92, 0x01, 0x02], 115],
    ['undefined (ext 0)', [0xd4, 0x00, 0x00], 0],
    ['a record definition', [0xd4, 0x72, 0x40, 0x91, 0xa1, 0x61, 0x01], 114],
    ['a 3-byte timestamp', [0xc7, 0x03, 0xff, 1, 2, 3], -1],
    [
      'a big integer in a map value',
      [0x81, 0xa1, 0x61, 0xc7, 0x09, 0x42, ...new Array<number>(9).fill(1)],
      66,
    ],
  ])('refuses %s, naming the type', (_name, bytes, type) => {
    expect(refusedExtension(Uint8Array.from(bytes))?.type).toBe(type);
    expect(() => serializer.deserialize(Uint8Array.from(bytes))).toThrow(DeserializationError);
    expect(() => serializer.deserialize(Uint8Array.from(bytes))).toThrow(`extension type ${type}`);
  });

  it('reads timestamps of 4, 8 and 12 bytes, anywhere in an item', () => {
    const dates = [new Date(1000), new Date(1_700_000_000_123), new Date(-5_000)];
    const bytes = serializer.serialize({ dates, nested: [[dates[0]]] });
    expect(refusedExtension(bytes)).toBeUndefined();
    expect(serializer.deserialize(bytes)).toEqual({ dates, nested: [[dates[0]]] });
  });

  // Python's msgpack refuses a timestamp of a second or more of nanoseconds ("nanoseconds must be
  // a non-negative integer less than 999999999"), and a Date holds at most 8.64e15 ms either side
  // of 1970: msgpackr read the first as a Date a second or more off, the second as Invalid Date.
  const timestamp64 = (nanoseconds: number, seconds: number): number[] => {
    const bytes = new DataView(new ArrayBuffer(8));
    bytes.setBigUint64(0, (BigInt(nanoseconds) << 34n) | BigInt(seconds));
    return [0xd7, 0xff, ...new Uint8Array(bytes.buffer)];
  };
  const timestamp96 = (nanoseconds: number, seconds: bigint): number[] => {
    const bytes = new DataView(new ArrayBuffer(12));
    bytes.setUint32(0, nanoseconds);
    bytes.setBigInt64(4, seconds);
    return [0xc7, 0x0c, 0xff, ...new Uint8Array(bytes.buffer)];
  };

  it.each<[string, number[], string]>([
    [
      'a 64-bit timestamp of 1,000,000,000 nanoseconds',
      timestamp64(1_000_000_000, 5),
      '1000000000 nanoseconds',
    ],
    [
      'a 96-bit timestamp of 1,000,000,000 nanoseconds',
      timestamp96(1_000_000_000, 5n),
      '1000000000 nanoseconds',
    ],
    ['a 96-bit timestamp past what a Date holds', timestamp96(0, 2n ** 62n), `${2n ** 62n} seconds`],
    [
      'a 96-bit timestamp before what a Date holds',
      timestamp96(0, -8_640_000_000_001n),
      '-8640000000001 seconds',
    ],
  ])('refuses %s, saying why', (_name, bytes, why) => {
    const item = Uint8Array.from([0x81, 0xa1, 0x74, ...bytes]);
    expect(() => serializer.deserialize(item)).toThrow(DeserializationError);
    expect(() => serializer.deserialize(item)).toThrow(`it holds a timestamp of ${why}`);
  });

  it('reads the edges Python and a Date both take', () => {
    expect(serializer.deserialize(Uint8Array.from(timestamp64(999_999_999, 5)))).toEqual(new Date(5999));
    expect(serializer.deserialize(Uint8Array.from(timestamp96(999_999_999, -5n)))).toEqual(
      new Date(-5000 + 999.999999),
    );
    expect(serializer.deserialize(Uint8Array.from(timestamp96(0, 8_640_000_000_000n)))).toEqual(
      new Date(8_640_000_000_000_000),
    );
  });

  // The last Date is 8.64e15 ms: a timestamp past it by a fraction of a millisecond (8.64e12 s
  // and 600,000 ns) read as Invalid Date. Refused, as is one a nanosecond past either end.
  it.each<[string, number[]]>([
    ['600,000 ns past the last Date', timestamp96(600_000, 8_640_000_000_000n)],
    ['1 ns past the last Date', timestamp96(1, 8_640_000_000_000n)],
    ['1 ns before the first Date', timestamp96(999_999_999, -8_640_000_000_001n)],
  ])('refuses a 96-bit timestamp %s', (_name, bytes) => {
    expect(() => serializer.deserialize(Uint8Array.from(bytes))).toThrow('beyond what a Date holds');
  });

  it('reads the first and the last instant a Date holds', () => {
    expect(serializer.deserialize(Uint8Array.from(timestamp96(0, -8_640_000_000_000n)))).toEqual(
      new Date(-8_640_000_000_000_000),
    );
    // 8.64e12 s before 1970 less a half second: inside, read as the Date 0.5 s after the first.
    expect(serializer.deserialize(Uint8Array.from(timestamp96(500_000_000, -8_640_000_000_000n)))).toEqual(
      new Date(-8_640_000_000_000_000 + 500),
    );
  });

  it('does not take header bytes inside strings, bins and numbers for extensions', () => {
    const item = {
      text: 'Ԁԁ ՀՁ אב ǀǁɀ', // UTF-8 lead bytes 0xd4-0xd8 and 0xc7-0xc9
      bin: Uint8Array.from([0xd4, 0x78, 0x00, 0xc9, 0xff, 0xff, 0xff, 0xff, 0x69]),
      numbers: [0xd4, -0x28, 0xc7c8c9, 3.5e-300, 2 ** 40 + 0xd6],
      long: 'ǀ'.repeat(40_000),
    };
    const bytes = serializer.serialize(item);
    expect(refusedExtension(bytes)).toBeUndefined();
    expect(serializer.deserialize(bytes)).toEqual({ ...item, bin: Buffer.from(item.bin) });
  });
});
