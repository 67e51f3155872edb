import { isUtf8 } from 'node:buffer';
import { strictUtf8 } from '../../src/processors/strictUtf8.js';

describe('strictUtf8', () => {
  it('decodes valid UTF-8: ASCII, Latin-1 range, astral, and U+FFFD itself', () => {
    for (const text of ['', 'plain {"a":1}', 'café ñ', '😀 ok', 'a\uFFFDb', '\uFFFD']) {
      expect(strictUtf8(Buffer.from(text, 'utf8'))).toBe(text);
    }
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80]],
    ['0xff', [0xff]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['invalid bytes next to a real U+FFFD', [0xef, 0xbf, 0xbd, 0xff]],
  ])('refuses %s', (_name, bytes) => {
    const buffer = Buffer.from(bytes);
    expect(isUtf8(buffer)).toBe(false);
    expect(strictUtf8(buffer)).toBeUndefined();
  });

  it('agrees with isUtf8 on seeded random bytes', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    // Bytes biased to UTF-8's lead and continuation ranges, so both answers occur often.
    const pick = [0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x9f];
    let valid = 0;
    for (let n = 0; n < 20_000; n += 1) {
      const bytes = Buffer.from(Array.from({ length: 1 + (next() % 6) }, () => pick[next() % pick.length]!));
      const expected = isUtf8(bytes);
      if (expected) valid += 1;
      expect(strictUtf8(bytes)).toBe(expected ? bytes.toString('utf8') : undefined);
    }
    expect(valid).toBeGreaterThan(500);
    expect(valid).toBeLessThan(19_500);
  });
});
