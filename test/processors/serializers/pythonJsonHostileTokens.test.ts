import { DeserializationError } from '../../../src/processors/errors/DeserializationError';
import { jsonSerializer } from '../../../src/processors/serializers/jsonSerializer';

/*
 * Reading Python's NaN / Infinity / -Infinity tokens from hostile records: the record's own
 * strings stay strings whatever they hold (no record string is taken for a token, and none names
 * a value to look up: Object.prototype, Object or a function never reach the item), and a token
 * where an object key stands is refused, as Python refuses it. Both the byte and the text path.
 */
const serializer = jsonSerializer<Record<string, unknown>>();
const paths: readonly [string, (text: string) => unknown][] = [
  ['bytes', (text) => serializer.deserialize(Buffer.from(text))],
  ['text', (text) => serializer.text?.deserialize(text)],
];

describe.each(paths)('Python tokens read on the %s path', (_path, read) => {
  it('keeps strings that look like the internal markers as they are', () => {
    const names = ['__proto__', 'constructor', 'toString', 'NaN', 'Infinity', 'gone'];
    for (const prefix of ['\\u0000rxjs-kinesis:', '\\u0000rxjs\\u002dkinesis:', 'rxjs-kinesis:']) {
      const fields = names.map((name, index) => `"k${index}": "${prefix}${name}"`).join(', ');
      const value = read(`{${fields}, "n": NaN, "i": -Infinity}`) as Record<string, unknown>;
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      names.forEach((name, index) => {
        expect(value[`k${index}`]).toBe(JSON.parse(`"${prefix}${name}"`));
      });
      expect(value.n).toBeNaN();
      expect(value.i).toBe(Number.NEGATIVE_INFINITY);
    }
  });

  it.each(['{NaN: 1}', '{"a": 1, Infinity : 2}', '{-Infinity:3}', '[{"a": {NaN\n: 1}}]'])(
    'refuses %s (a token as an object key)',
    (text) => {
      expect(() => read(text)).toThrow(DeserializationError);
    },
  );

  it('still reads the tokens as values, next to colons inside strings', () => {
    expect(read('{"a:": NaN, "b": [Infinity, "c:", -Infinity]}')).toEqual({
      'a:': Number.NaN,
      b: [Number.POSITIVE_INFINITY, 'c:', Number.NEGATIVE_INFINITY],
    });
  });
});

describe('a record of many Python tokens', () => {
  // A 1 MiB list or JSON-lines record of `NaN` holds ~200,000 items: each used to pay a failed
  // JSON.parse (~10 µs: the SyntaxError it builds) and a call to the random source (~10 µs),
  // ~15 s of blocked event loop per record on a loaded machine (leases expire meanwhile).
  afterEach(() => jest.restoreAllMocks());

  it.each(paths)('reads an item that is a token alone without any parse (%s path)', (_path, read) => {
    const parse = jest.spyOn(JSON, 'parse');
    const draw = jest.spyOn(globalThis.crypto, 'getRandomValues');
    const items = ['NaN', 'Infinity', '-Infinity', ' NaN\n', '\tInfinity '];
    for (let i = 0; i < 1000; i += 1) {
      const value = read(items[i % items.length] as string);
      expect(typeof value === 'number' && !Number.isFinite(value)).toBe(true);
    }
    expect(parse).not.toHaveBeenCalled();
    expect(draw).not.toHaveBeenCalled();
  });

  it.each(paths)(
    'reads an item holding tokens with one failed parse and one more, and draws random bits once per many items (%s path)',
    (_path, read) => {
      const parse = jest.spyOn(JSON, 'parse');
      const draw = jest.spyOn(globalThis.crypto, 'getRandomValues');
      const items = ['[Infinity]', '{"a": -Infinity}', '{"NaN": "Infinity", "b": NaN}', '[1, NaN]'];
      for (let i = 0; i < 1000; i += 1) read(items[i % items.length] as string);
      expect(parse.mock.calls.length).toBeLessThanOrEqual(2000);
      expect(draw.mock.calls.length).toBeLessThanOrEqual(1000 / 32);
    },
  );

  it.each(paths)(
    'still reads text with the token names only inside strings, and refuses what is not JSON (%s path)',
    (_path, read) => {
      expect(read('{"NaN": "Infinity"}')).toEqual({ NaN: 'Infinity' });
      expect(() => read('{"NaN": Infinity')).toThrow(DeserializationError);
      expect(() => read('NaNa')).toThrow(DeserializationError);
    },
  );
});
