import { withoutJsonInput } from '../../src/errors/withoutJsonInput.js';

function messageFor(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('parsed');
}

test.each([
  ['a token cut short', '<b>s3cr3t and more of the page</b>'],
  ['a token whole', '{"token": s3cr3t}'],
  ['the whole input quoted', 's3cr3t'],
  ['quotes and newlines inside', '{"a": "b",\n "token": s3cr3t, "c": "...\\"" }'],
])('V8 quoting %s: the input is cut, the reason kept', (_case, input) => {
  const message = messageFor(input);
  expect(message).toContain('s3cr');
  const safe = withoutJsonInput(message);
  expect(safe).not.toContain('s3cr');
  expect(safe).toMatch(/\(the text is not shown\) is not valid JSON$/);
  expect(withoutJsonInput(`SyntaxError: ${message}\n    at JSON.parse (<anonymous>)`)).toMatch(
    /^SyntaxError: .*\(the text is not shown\) is not valid JSON\n {4}at JSON\.parse/s,
  );
});

test.each([
  "json: item is not valid JSON: Unexpected token 'h'",
  'stream "orders": item is not valid JSON',
  'Unexpected end of JSON input',
  'nothing to do with JSON',
])('other texts stay as they are: %s', (text) => {
  expect(withoutJsonInput(text)).toBe(text);
});

test.each([
  ['an ESC', '\u001b[2Jsecret', "Unexpected token '\\u001b'"],
  ['a bell', '\u0007secret', "Unexpected token '\\u0007'"],
  ['a bidi override', '\u202esecret', "Unexpected token '\\u202e'"],
  ['a quote', "'secret", "Unexpected token '''"],
])('the character V8 names is the input’s own: %s is written as a JSON escape', (_case, input, reason) => {
  const safe = withoutJsonInput(`SDK said: ${messageFor(input)}`);
  expect(safe).toBe(`SDK said: ${reason} (the text is not shown) is not valid JSON`);
});
