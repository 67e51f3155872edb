import { DeserializationError } from '../../../src/processors/errors/DeserializationError';
import { SerializationError } from '../../../src/processors/errors/SerializationError';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError';
import { jsonSerializer } from '../../../src/processors/serializers/jsonSerializer';
import { randomJson, seededRandom } from '../seededRandom';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('jsonSerializer (python style, the default)', () => {
  const json = jsonSerializer();

  // Expected strings are what CPython's json.dumps(value) prints for the same value.
  it.each<[unknown, string]>([
    [{ a: 1 }, '{"a": 1}'],
    [{ b: 2 }, '{"b": 2}'],
    [
      { name: 'Zoë', emoji: '😀', ctl: '\u007f\u0001\n\t/\\"' },
      '{"name": "Zo\\u00eb", "emoji": "\\ud83d\\ude00", "ctl": "\\u007f\\u0001\\n\\t/\\\\\\""}',
    ],
    [
      [1.5, 1e-5, 1.5e-7, 0.0001, 123.456, -1e-300, true, false, null],
      '[1.5, 1e-05, 1.5e-07, 0.0001, 123.456, -1e-300, true, false, null]',
    ],
    ['', '""'],
    [
      { nested: { list: [1, [2, [3]]], empty: {}, e: [] } },
      '{"nested": {"list": [1, [2, [3]]], "empty": {}, "e": []}}',
    ],
    ['a, b: c', '"a, b: c"'],
    [-12, '-12'],
    [1e21, '1000000000000000000000'],
  ])('writes %j as Python json.dumps does', (value, expected) => {
    expect(text(json.serialize(value))).toBe(expected);
  });

  it('writes only ASCII bytes', () => {
    const out = json.serialize({ k: 'ü中😀' });
    expect([...out].every((b) => b < 0x80)).toBe(true);
  });

  it('documents the residual differences from Python', () => {
    // JavaScript has one number type: integral values are written as Python ints.
    expect(text(json.serialize([1.0, 1e16]))).toBe('[1, 10000000000000000]');
    // NaN and Infinity become null, as JSON.stringify does (Python writes NaN / Infinity).
    expect(text(json.serialize([Number.NaN, Number.POSITIVE_INFINITY]))).toBe('[null, null]');
  });

  it('reads Python output, compact output and raw UTF-8', () => {
    expect(json.deserialize(Buffer.from('{"a": 1, "b": "Zo\\u00eb \\ud83d\\ude00"}'))).toEqual({
      a: 1,
      b: 'Zoë 😀',
    });
    expect(json.deserialize(Buffer.from('{"a":1,"b":[1,2]}'))).toEqual({ a: 1, b: [1, 2] });
    expect(json.deserialize(Buffer.from('{"b":"Zoë 😀"}', 'utf8'))).toEqual({ b: 'Zoë 😀' });
  });

  it("reads Python's NaN, Infinity and -Infinity tokens", () => {
    expect(json.deserialize(Buffer.from('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN"}'))).toEqual({
      a: Number.NaN,
      b: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      c: 'NaN',
    });
  });

  it('throws DeserializationError on invalid JSON or invalid UTF-8', () => {
    expect(() => json.deserialize(Buffer.from('{"a": '))).toThrow(DeserializationError);
    expect(() => json.deserialize(Buffer.from('NaNa'))).toThrow(DeserializationError);
    expect(() => json.deserialize(Buffer.from([0x22, 0xff, 0x22]))).toThrow(DeserializationError);
  });

  it('throws SerializationError for values without JSON form', () => {
    expect(() => json.serialize(undefined)).toThrow(SerializationError);
    expect(() => json.serialize(10n)).toThrow(SerializationError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => json.serialize(cyclic)).toThrow(SerializationError);
  });

  it('spaces separators outside strings only, with quotes, backslashes, commas and colons in strings (seeded)', () => {
    // Reference: walk every character, tracking strings and escapes.
    const spaced = (compact: string): string => {
      let out = '';
      let inString = false;
      for (let i = 0; i < compact.length; i += 1) {
        const c = compact[i]!;
        out += c;
        if (inString) {
          if (c === '\\') out += compact[++i]!;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === ',' || c === ':') out += ' ';
      }
      return out;
    };
    const random = seededRandom(9);
    const pieces = ['"', '\\', '\\"', ',', ':', ', ', 'a', '{', ']', '1'];
    const text = () =>
      Array.from(
        { length: Math.floor(random() * 8) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
    for (let i = 0; i < 2000; i += 1) {
      const value = { [text()]: [text(), Math.floor(random() * 1000), { x: text(), y: null }], z: text() };
      expect(Buffer.from(json.serialize(value)).toString('latin1')).toBe(spaced(JSON.stringify(value)));
    }
  });

  it('round-trips random values (seeded)', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 2000; i += 1) {
      const value = randomJson(random);
      expect(json.deserialize(json.serialize(value))).toEqual(JSON.parse(JSON.stringify(value)));
    }
  });
});

describe('jsonSerializer (compact style)', () => {
  it('writes JSON.stringify output as UTF-8', () => {
    const json = jsonSerializer({ style: 'compact' });
    expect(Buffer.from(json.serialize({ a: 1, b: 'é' })).toString('utf8')).toBe('{"a":1,"b":"é"}');
  });

  it('rejects unknown styles', () => {
    expect(() => jsonSerializer({ style: 'pretty' as 'python' })).toThrow(InvalidOptionError);
  });
});
