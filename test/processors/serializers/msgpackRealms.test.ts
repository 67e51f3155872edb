import { runInNewContext } from 'node:vm';
import { kplMsgpackProcessor, msgpackProcessor } from '../../../src/processors/namedProcessors';
import type { Serializer } from '../../../src/processors/Serializer';
import { sameRealmValue } from '../../../src/processors/serializers/sameRealmValue';

/*
 * Items made in another realm (a node:vm context here, an iframe in a browser) are written as
 * the same items made in this one: byte for byte, or refused with the same message.
 */

/** Expressions evaluated in both realms; each makes a fresh value. */
const expressions: Array<[string, string]> = [
  ['a Uint8Array', 'new Uint8Array([1, 2, 255])'],
  ['a Uint8Array over part of a buffer', 'new Uint8Array(new Uint8Array([9, 1, 2, 9]).buffer, 1, 2)'],
  ['a Uint8ClampedArray', 'new Uint8ClampedArray([1, 2])'],
  ['an Int16Array', 'new Int16Array([1, -2])'],
  ['a Float32Array', 'new Float32Array([1.5])'],
  ['a Float64Array', 'new Float64Array([1.5])'],
  ['a BigInt64Array', 'new BigInt64Array([1n])'],
  ['an ArrayBuffer', 'new Uint8Array([1, 2]).buffer'],
  ['a DataView', 'new DataView(new ArrayBuffer(2))'],
  ['a Date', 'new Date(1700000000000)'],
  ['a Date with milliseconds', 'new Date(1700000000123)'],
  ['a Date before 1970', 'new Date(-1000)'],
  ['an invalid Date', 'new Date(NaN)'],
  ['a Map', 'new Map([["a", 1], ["b", new Uint8Array([3])]])'],
  ['a Set', 'new Set([1, "two", new Date(0)])'],
  ['a RegExp', '/ab+c/gi'],
  ['an Error', 'new Error("boom")'],
  ['a TypeError', 'new TypeError("bad")'],
  ['a plain object holding bytes and a Date', '({ id: 7, bytes: new Uint8Array([1]), at: new Date(0) })'],
  ['an array of bytes', '[new Uint8Array([1]), new Uint8Array([2, 3])]'],
  ['a nested mixture', '({ list: [{ m: new Map([[1, new Set([new Uint8Array([4])])]]) }], n: null })'],
  ['a nested mixture holding undefined', '({ list: [new Uint8Array([4])], u: undefined })'],
  ['an object with no prototype', 'Object.assign(Object.create(null), { b: new Uint8Array([5]) })'],
  ['a plain object', '({ a: 1, b: "x", c: [true, null] })'],
];

/** What a serializer makes of a value: its bytes in hex, or the refusal's class and message. */
function outcome(serializer: Serializer<unknown>, value: unknown): string {
  try {
    return Buffer.from(serializer.serialize(value)).toString('hex');
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe.each([
  ['msgpack', () => msgpackProcessor().serializer],
  ['kplMsgpack', () => kplMsgpackProcessor().serializer],
])('%s serializer across realms', (_name, make) => {
  it.each(expressions)('writes %s of another realm as one of this realm', (_what, expression) => {
    const serializer = make();
    const here: unknown = (0, eval)(`(${expression})`);
    const there: unknown = runInNewContext(`(${expression})`);
    expect(outcome(serializer, there)).toBe(outcome(serializer, here));
  });

  it('writes another realm value inside this realm containers as this realm would', () => {
    const serializer = make();
    const foreignBytes = runInNewContext('new Uint8Array([1, 2])') as Uint8Array;
    const foreignDate = runInNewContext('new Date(0)') as Date;
    const item = { bytes: foreignBytes, list: [foreignDate], map: new Map([['k', foreignBytes]]) };
    const local = {
      bytes: new Uint8Array([1, 2]),
      list: [new Date(0)],
      map: new Map([['k', new Uint8Array([1, 2])]]),
    };
    expect(outcome(serializer, item)).toBe(outcome(serializer, local));
    // The item itself is left as it was.
    expect(item.bytes).toBe(foreignBytes);
    expect(item.map.get('k')).toBe(foreignBytes);
  });
});

describe('sameRealmValue', () => {
  it('returns this realm values as they are, with no copy', () => {
    const value = { a: [1, { b: new Uint8Array([1]) }], m: new Map([[1, new Set([new Date(0)])]]) };
    expect(sameRealmValue(value)).toBe(value);
  });

  it('views another realm typed array without copying its bytes', () => {
    const there = runInNewContext('new Int16Array([1, 2, 3]).subarray(1)') as Int16Array;
    const here = sameRealmValue(there) as Int16Array;
    expect(here).toBeInstanceOf(Int16Array);
    expect(here.buffer).toBe(there.buffer);
    expect(Array.from(here)).toEqual([2, 3]);
  });

  it('leaves what it cannot read, cycles and spoofed tags as they are', () => {
    const throwing = runInNewContext('({ get boom() { throw new Error("getter"); } })') as object;
    expect(sameRealmValue(throwing)).toBe(throwing);
    const cyclic = runInNewContext('const o = { u: new Uint8Array([1]) }; o.self = o; o') as Record<
      string,
      unknown
    >;
    const copy = sameRealmValue(cyclic) as Record<string, unknown>;
    expect(copy.u).toBeInstanceOf(Uint8Array);
    expect(copy.self).toBe(cyclic);
    const spoof = Object.assign(Object.create(null) as object, { [Symbol.toStringTag]: 'Date' });
    expect(sameRealmValue(spoof)).toBe(spoof);
  });
});
