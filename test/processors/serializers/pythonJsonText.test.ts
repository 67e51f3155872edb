import { toPythonJson } from '../../../src/processors/serializers/pythonJson';
import { pythonJsonBytes } from '../../../src/processors/serializers/pythonJsonBytes';
import { pythonJsonText } from '../../../src/processors/serializers/pythonJsonText';
import { randomJson, randomString, seededRandom } from '../seededRandom';

// The byte path's bytes, as Latin-1 text (pure ASCII: the same as UTF-8).
const bytePath = (compact: string): string => Buffer.from(pythonJsonBytes(compact)).toString('latin1');

describe('pythonJsonText', () => {
  it('writes the text of the byte path on random values, short and long (seeded)', () => {
    const random = seededRandom(19);
    for (let i = 0; i < 3000; i += 1) {
      const value = randomJson(random);
      const padded =
        i % 3 === 0
          ? { pad: randomString(random, 4) + 'p'.repeat(400 + Math.floor(random() * 400)), value }
          : i % 3 === 1
            ? [value, '\ud800', 'q'.repeat(Math.floor(random() * 600))]
            : value;
      const compact = JSON.stringify(padded);
      const text = pythonJsonText(compact);
      expect(text).toBe(bytePath(compact));
      expect(text).toBe(toPythonJson(compact));
      expect(Buffer.byteLength(text, 'utf8')).toBe(text.length);
    }
  });

  it('writes the same text for escapes, numbers Python spells differently, DEL and lone surrogates', () => {
    const values: unknown[] = [
      { a: 'x\\"y', b: '\\', c: '"', d: ',:', e: [1e-7, 1e21, 0.00001, 0.0001, -1.5e300] },
      { s: '\u007f', t: 'é', u: '😀', v: [true, false, null], w: '\udc00' },
      ['a', '\\\\"', { k: '\\' }, [], {}],
      'plain',
      12345,
    ];
    for (const value of values) {
      for (const pad of ['', 'z'.repeat(500), 'z'.repeat(70_000)]) {
        for (const compact of [JSON.stringify({ pad, value }), JSON.stringify([value, pad])]) {
          expect(pythonJsonText(compact)).toBe(bytePath(compact));
        }
      }
    }
  });

  it('ends on an unterminated string, short or long, as toPythonJson() does', () => {
    // Not JSON.stringify output; the scans must still end (an unterminated string runs to the end).
    for (const pad of ['', 'p'.repeat(600)]) {
      for (const compact of [`{"a":1,"b":"${pad}x\\"}`, `["${pad},:`, `[1,"${pad}\\\\\\"`]) {
        expect(pythonJsonText(compact)).toBe(toPythonJson(compact));
      }
    }
  });
});
