import { toBase64 as browserToBase64 } from '../../src/platform/base64.browser.js';
import { toBase64 } from '../../src/platform/base64.js';

describe('base64 of bytes', () => {
  it('is standard padded base64 on Node and in the browser build, for any length and view', () => {
    const bytes = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
    // Lengths around the padding cases and around the browser build's chunk of 12,288 bytes.
    for (const length of [0, 1, 2, 3, 4, 5, 255, 256, 12_287, 12_288, 12_289, 24_577, 40_000]) {
      const view = bytes.subarray(0, length);
      const expected = Buffer.from(view).toString('base64');
      expect(toBase64(view)).toBe(expected);
      expect(browserToBase64(view)).toBe(expected);
      expect(toBase64(Buffer.from(view))).toBe(expected);
    }
    const offsetView = bytes.subarray(7, 1007);
    expect(toBase64(offsetView)).toBe(Buffer.from(offsetView).toString('base64'));
    expect(browserToBase64(offsetView)).toBe(Buffer.from(offsetView).toString('base64'));
  });
});
