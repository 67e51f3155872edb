import { SerializationError } from '../../../src/processors/errors/SerializationError';
import { jsonSerializer } from '../../../src/processors/serializers/jsonSerializer';
import { toPythonJson } from '../../../src/processors/serializers/pythonJson';
import { writePythonJson, writePythonJsonText } from '../../../src/processors/serializers/pythonJsonWriter';
import { randomJson, randomString, seededRandom } from '../seededRandom';

// The bytes the serializer wrote before the direct writer: JSON.stringify, then the string
// rewrite into Python's spelling, as Latin-1 (pure ASCII).
const reference = (value: unknown): string => toPythonJson(JSON.stringify(value));
const direct = (value: unknown): string | undefined => {
  const bytes = writePythonJson(value);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');
};
const serializer = jsonSerializer();
const serialized = (value: unknown): string => Buffer.from(serializer.serialize(value)).toString('latin1');
const textSerialized = (value: unknown): string => serializer.text!.serialize(value);

/** True when the value holds a string (or key) longer than 64 characters. */
function hasLongString(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 64;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, inner]) => key.length > 64 || hasLongString(inner));
}

/**
 * Checks that the writer takes `value` and writes the reference bytes, on both paths (the text
 * path leaves values with a string past 64 characters to JSON.stringify).
 */
function expectWritten(value: unknown): void {
  const expected = reference(value);
  expect(direct(value)).toBe(expected);
  expect(writePythonJsonText(value)).toBe(hasLongString(value) ? undefined : expected);
  expect(serialized(value)).toBe(expected);
  expect(textSerialized(value)).toBe(expected);
}

/** Checks that the writer leaves `value` to JSON.stringify, and the serializer's bytes are the reference. */
function expectLeft(value: unknown): void {
  expect(writePythonJson(value)).toBeUndefined();
  expect(writePythonJsonText(value)).toBeUndefined();
  const expected = reference(value);
  expect(serialized(value)).toBe(expected);
  expect(textSerialized(value)).toBe(expected);
}

describe('writePythonJson (plain data straight to bytes)', () => {
  it('writes the bytes of JSON.stringify + the rewrite on random values (seeded)', () => {
    const random = seededRandom(2026);
    for (let i = 0; i < 5000; i += 1) {
      const value = randomJson(random);
      // Some wrapped with long strings (the native path for strings past 64 characters).
      const wrapped =
        i % 4 === 0
          ? {
              [`key ${randomString(random, 5)}`]: value,
              long: `${randomString(random, 3)}${'l'.repeat(60 + (i % 200))}`,
            }
          : value;
      // JSON.stringify has no text for a top-level undefined; randomJson never returns one.
      expectWritten(wrapped);
    }
  });

  it('writes keys and strings that need escaping, short and long, unicode included', () => {
    const specials = [
      '"',
      '\\',
      '\b',
      '\f',
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u001f',
      '\u000b',
      '\u001a',
      '\u007f',
      'é',
      'ª',
      '\u0abc',
      '\uffff',
      '中',
      '😀',
      '\ud800',
      '\udc00',
      '/',
      ',',
      ':',
    ];
    for (const special of specials) {
      for (const pad of ['', 'p'.repeat(63), 'p'.repeat(64), 'p'.repeat(65), 'p'.repeat(3000)]) {
        expectWritten({ [`${pad}${special}`]: `${special}${pad}`, plain: pad });
        expectWritten([`${pad}${special}${pad}`]);
      }
    }
    expectWritten({ '': '', 'a b': 'c d', '1': 1, '0': 0 });
  });

  it('writes numbers as before: integers, floats, Python spellings, NaN and Infinity as null', () => {
    const numbers = [
      0,
      -0,
      1,
      -1,
      9,
      10,
      99,
      100,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      -(2 ** 31) - 1,
      1e8,
      1e8 - 1,
      1e8 + 1,
      2 ** 32,
      1_700_000_000_123,
      -1_700_000_000_123,
      100_000_001,
      10_000_000_000_000_000,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2 ** 53,
      2 ** 60,
      1e20,
      1e21,
      -1e21,
      1.5e300,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      0.5,
      -0.25,
      0.1,
      1 / 3,
      0.0001,
      0.00001,
      0.000012345,
      -0.00001,
      1e-7,
      1.5e-7,
      123456.789,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const value of numbers) {
      expectWritten(value);
      expectWritten({ value });
      expectWritten([value, value]);
    }
  });

  it('drops undefined, functions and symbols from objects and writes them as null in arrays', () => {
    expectWritten({ a: undefined, b: () => 1, c: Symbol('c'), d: 1 });
    expectWritten({ a: undefined });
    expectWritten({ d: 1, a: undefined });
    expectWritten([undefined, () => 1, Symbol('s'), 1]);
    // eslint-disable-next-line no-sparse-arrays
    expectWritten([1, , 3]);
    expectWritten({ a: {}, b: [], c: [[]], d: [{}], e: null, f: true, g: false });
  });

  it('writes nested plain data, and data with getters, as JSON.stringify reads it', () => {
    let depth: unknown = { leaf: 'x' };
    for (let i = 0; i < 60; i += 1) depth = i % 2 === 0 ? { [`k${i}`]: depth } : [depth, i];
    expectWritten(depth);
    const withGetter = {
      get computed(): number {
        return 42;
      },
      plain: 1,
    };
    expectWritten(withGetter);
  });

  it('calls toJSON(key) once per value, as JSON.stringify does, and writes what it returns', () => {
    expectWritten(new Date(0));
    expectWritten({ at: new Date(1_700_000_000_123), invalid: new Date(NaN), list: [new Date(-1)] });
    const keys: string[] = [];
    const recorder = (result: unknown) => ({
      toJSON(key: string): unknown {
        keys.push(key);
        return result;
      },
    });
    const value = {
      a: recorder('a'),
      b: [recorder(1), recorder(undefined), recorder(() => 1)],
      c: recorder(undefined),
      d: recorder({
        nested: recorder('inner'),
        property: { toJSON: () => 'its own' },
        toJSON: 'not a function',
      }),
      e: recorder([recorder(null)]),
      f: { toJSON: 7, kept: true },
      g: recorder({ toJSON: () => 'never called', x: 1 }),
    };
    const expected = reference(value);
    keys.length = 0;
    expect(direct(value)).toBe(expected);
    // Once each, with the property name, the array index as a string; the result's own toJSON
    // is not called again, and a toJSON returning something to drop drops the property.
    expect(keys).toEqual(['a', '0', '1', '2', 'c', 'd', 'nested', 'e', '0', 'g']);
    expect(expected).toBe(
      '{"a": "a", "b": [1, null, null], "d": {"nested": "inner", "property": "its own", "toJSON": "not a function"}, ' +
        '"e": [null], "f": {"toJSON": 7, "kept": true}, "g": {"x": 1}}',
    );
    expectWritten(value);
    // At the top level, with the empty key; a top-level result to drop has no JSON text.
    expectWritten(recorder({ top: 1 }));
    expect(keys[keys.length - 1]).toBe('');
    expect(writePythonJson(recorder(undefined))).toBeUndefined();
    expect(() => serializer.serialize(recorder(undefined))).toThrow(SerializationError);
    // An array with its own toJSON.
    expectWritten(Object.assign([1, 2], { toJSON: () => 'array' }));
  });

  it('writes an item whose toJSON serializes another item meanwhile (that one takes the other path)', () => {
    const inner: unknown[] = [];
    const nesting = {
      a: 'before',
      b: {
        toJSON(): unknown {
          inner.push(Buffer.from(serializer.serialize({ inner: [1, 'é'] })).toString('latin1'));
          inner.push(serializer.text!.serialize({ inner: 2 }));
          return { replaced: 'x'.repeat(100) };
        },
      },
      c: ['after', 'y'.repeat(2000)],
    };
    const expected = reference(nesting);
    inner.length = 0;
    expect(serialized(nesting)).toBe(expected);
    expect(inner).toEqual(['{"inner": [1, "\\u00e9"]}', '{"inner": 2}']);
    expect(textSerialized(nesting)).toBe(expected);
  });

  it('calls a toJSON defined for bigints, as JSON.stringify does', () => {
    const prototype = BigInt.prototype as unknown as { toJSON?: () => string };
    prototype.toJSON = function toJSON(this: bigint): string {
      return `${this.toString()}n`;
    };
    try {
      expectWritten({ big: 12n, list: [2n ** 70n] });
    } finally {
      delete prototype.toJSON;
    }
    expect(() => serializer.serialize({ big: 12n })).toThrow(SerializationError);
  });

  it('leaves every value whose conversion is not plain to JSON.stringify, with the same bytes as before', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const nullPrototype = Object.assign(Object.create(null) as object, { a: 1 });
    const arraySubclass = new (class extends Array<number> {})();
    arraySubclass.push(1);
    for (const value of [
      new Point(1, 2),
      nullPrototype,
      new Map([[1, 2]]),
      new Uint8Array([1, 2]),

      new String('boxed'),

      new Number(3),
      arraySubclass,
    ]) {
      expectLeft(value);
      // Nested, the whole item goes to JSON.stringify.
      expectLeft({ before: 'é', value, after: [1] });
      expectLeft([value]);
    }
    // Deeper than the writer goes: JSON.stringify decides.
    let deep: unknown = 1;
    for (let i = 0; i < 70; i += 1) deep = [deep];
    expectLeft(deep);
  });

  it('fails as before on values JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const throwing = {
      a: 1,
      get b(): number {
        throw new Error('getter failed');
      },
    };
    expect(() => serializer.serialize(throwing)).toThrow(/getter failed/);
    for (const value of [
      undefined,
      () => 1,
      Symbol('s'),
      1n,
      { n: 1n },
      cyclic,
      [cyclic],
      throwing,
      [throwing],
    ]) {
      expect(writePythonJson(value)).toBeUndefined();
      expect(() => serializer.serialize(value)).toThrow(SerializationError);
      expect(() => serializer.text!.serialize(value)).toThrow(SerializationError);
    }
  });

  it('gives every output its own bytes, across slabs, long outputs and outputs left to JSON.stringify', () => {
    const random = seededRandom(11);
    const values: unknown[] = [];
    const outputs: Uint8Array[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const value =
        i % 7 === 0
          ? { n: i, long: randomString(random, 3000) } // often past 2 KiB: a buffer of its own
          : i % 11 === 0
            ? { n: i, date: new Date(i) } // written by the JSON.stringify path
            : i % 13 === 0
              ? { n: i, big: 1n } // given up by both paths
              : { n: i, s: randomString(random, 1 + (i % 400)), a: [i, ',', ':'] };
      if (i % 13 === 0 && i % 7 !== 0 && i % 11 !== 0) {
        expect(() => serializer.serialize(value)).toThrow(SerializationError);
        continue;
      }
      values.push(value);
      outputs.push(serializer.serialize(value));
      // The text path in between must not disturb the byte path's outputs.
      if (i % 5 === 0) serializer.text!.serialize(value);
    }
    values.forEach((value, i) => {
      expect(Buffer.from(outputs[i] as Uint8Array).toString('latin1')).toBe(reference(value));
    });
  });
});
