import { printableText } from '../../src/errors/printableText.js';

test.each([
  ['an ESC', 'a\u001b[2Jb', 'a\\u001b[2Jb'],
  ['a line feed', 'a\nb', 'a\\nb'],
  ['a C1 control (8-bit CSI)', 'a\u009b2Jb', 'a\\u009b2Jb'],
  ['a bidi override', 'a\u202eb', 'a\\u202eb'],
  ['a line separator', 'a\u2028b', 'a\\u2028b'],
  ['a lone surrogate half', 'a\ud800b', 'a\\ud800b'],
  ['a tag character beyond U+FFFF', 'a\u{E0001}b', 'a\\udb40\\udc01b'],
  ['printable text', 'a é 😀 b', 'a é 😀 b'],
])('%s: written as a JSON escape that reads back as the same text', (_case, text, printed) => {
  expect(printableText(text)).toBe(printed);
  expect(JSON.parse(`"${printableText(text)}"`)).toBe(text);
});
