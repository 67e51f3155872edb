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
});
