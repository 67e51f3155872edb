import { toPythonJson } from '../../../src/processors/serializers/pythonJson';
import {
  maxQuotedBytes,
  NEEDS_ESCAPE,
  writeQuotedBytes,
} from '../../../src/processors/serializers/pythonJsonStringBytes';

/** What writeQuotedBytes() writes at offset 2 of a buffer of exactly the room it asks for, as text. */
function written(text: string): string {
  const bytes = new Uint8Array(2 + maxQuotedBytes(text.length));
  const end = writeQuotedBytes(bytes, 2, text);
  expect(end).toBeLessThanOrEqual(bytes.length);
  return Buffer.from(bytes.subarray(2, end)).toString('latin1');
}

describe('writeQuotedBytes', () => {
  it.each([
    '',
    'plain ascii ~!#',
    'quote " and backslash \\',
    '\b\t\n\f\r and \u0000\u001f\u007f',
    'é ü € 中文',
    '😀 a pair, \ud800 a lone half',
    '\uffff',
  ])('writes %j as toPythonJson(JSON.stringify()) does', (text) => {
    expect(written(text)).toBe(toPythonJson(JSON.stringify(text)));
  });

  it('fits the worst case in maxQuotedBytes', () => {
    const text = '\u0001'.repeat(100);
    expect(written(text)).toHaveLength(maxQuotedBytes(text.length));
  });
});

describe('NEEDS_ESCAPE', () => {
  it('matches exactly what Python escapes: outside printable ASCII, `"` and `\\`', () => {
    for (let c = 0; c < 0x100; c += 1) {
      const char = String.fromCharCode(c);
      const plain = c >= 0x20 && c < 0x7f && char !== '"' && char !== '\\';
      expect({ c, escaped: NEEDS_ESCAPE.test(char) }).toEqual({ c, escaped: !plain });
    }
  });
});
