import { toPythonJson } from '../../../src/processors/serializers/pythonJson';
import { pythonJsonBytes } from '../../../src/processors/serializers/pythonJsonBytes';
import { randomJson, randomString, seededRandom } from '../seededRandom';

// The bytes the serializer wrote before the one-pass paths: the string rewrite, as Latin-1.
const reference = (compact: string): string =>
  Buffer.from(toPythonJson(compact), 'latin1').toString('latin1');
const written = (compact: string): string => Buffer.from(pythonJsonBytes(compact)).toString('latin1');

describe('pythonJsonBytes', () => {
  it('writes the same bytes as the string rewrite on random values, short and long (seeded)', () => {
    const random = seededRandom(18);
    for (let i = 0; i < 3000; i += 1) {
      const value = randomJson(random);
      // Every third value padded past the short path's limit, with a long string in front or behind.
      const padded =
        i % 3 === 0
          ? i % 2 === 0
            ? { pad: randomString(random, 4) + 'p'.repeat(600 + Math.floor(random() * 2000)), value }
            : { value, pad: 'q'.repeat(600 + Math.floor(random() * 2000)) }
          : value;
      const compact = JSON.stringify(padded);
      expect(written(compact)).toBe(reference(compact));
    }
  });

  it('writes the same bytes for escapes, numbers Python spells differently and DEL, short and long', () => {
    const values: unknown[] = [
      { a: 'x\\"y', b: '\\', c: '"', d: ',:', e: [1e-7, 1e21, 0.00001, 0.0001, -1.5e300] },
      { s: '\u007f', t: 'é', u: '😀', v: [true, false, null] },
      ['a', '\\\\"', { k: '\\' }, [], {}],
      'plain',
      12345,
    ];
    for (const value of values) {
      for (const pad of ['', 'z'.repeat(700), 'z'.repeat(70_000)]) {
        const compact = JSON.stringify({ pad, value });
        expect(written(compact)).toBe(reference(compact));
        const behind = JSON.stringify([value, pad]);
        expect(written(behind)).toBe(reference(behind));
      }
    }
  });

  it('writes the same bytes at the lengths around the short path limit', () => {
    // Texts of 500 to 530 characters (the short path ends at 512), each in four shapes: one long
    // string, separators packed in strings, nested arrays with an exponent, escaped backslashes.
    for (let length = 500; length <= 530; length += 1) {
      const oneString = JSON.stringify({ s: 'a'.repeat(length - 8) });
      const separators = JSON.stringify({ k: ',:'.repeat(Math.floor((length - 8) / 2)) });
      const numbers = JSON.stringify([[1.5, [2, 1e-7]], 'x'.repeat(Math.max(0, length - 24))]);
      const backslashes = `"${'\\\\'.repeat(length >> 1)}"`;
      for (const compact of [oneString, separators, numbers, backslashes]) {
        expect(written(compact)).toBe(reference(compact));
      }
    }
  });

  it('ends, with the same bytes, on a text whose last string is not terminated', () => {
    // Not JSON.stringify output; the scans must still end (an unterminated string runs to the end).
    for (const pad of ['', 'p'.repeat(600)]) {
      for (const compact of [`{"a":1,"b":"${pad}x\\"}`, `["${pad},:`, `[1,"${pad}\\\\\\"`]) {
        expect(written(compact)).toBe(reference(compact));
      }
    }
  });

  it('gives every output its own bytes: earlier outputs keep theirs across many later ones', () => {
    // Enough short outputs to fill several slabs, some of them failed attempts (an escape found
    // only at the end, after the bytes before it were written) that must not leave bytes behind.
    const random = seededRandom(7);
    const texts: string[] = [];
    const outputs: Uint8Array[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const value =
        i % 5 === 0
          ? { n: i, s: `${randomString(random, 300)}é` }
          : { n: i, s: randomString(random, 1 + (i % 400)), a: [i, ',', ':'] };
      const compact = JSON.stringify(value);
      texts.push(compact);
      outputs.push(pythonJsonBytes(compact));
    }
    texts.forEach((compact, i) => {
      expect(Buffer.from(outputs[i] as Uint8Array).toString('latin1')).toBe(reference(compact));
    });
  });
});
