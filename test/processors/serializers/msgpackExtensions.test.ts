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
