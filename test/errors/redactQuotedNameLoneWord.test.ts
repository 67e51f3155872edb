// Case: a quoted name followed by a single plain word (`"password": Summer`, `{"apiKey": Summer}`)
// showed the word, which was kept as prose so that option errors (`Invalid option "password": got
// …`) read. A word that ends the member (a `,`, `;`, a closing bracket, the line's or the text's
// end follows it) is a JSON value and is hidden now; a word that more prose follows, and JSON's
// true, false and null, still show.
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { redactText } from '../../src/errors/redact.js';

test.each([
  ['"password": Summer', '"password": [redacted]'],
  ['{"password": Summer}', '{"password": [redacted]}'],
  ['[{"apiKey": Summer}]', '[{"apiKey": [redacted]}]'],
  ['{"password": Summer, "user": "app"}', '{"password": [redacted], "user": "app"}'],
  ['{"password":Summer}', '{"password":[redacted]}'],
  ['"secret": Summer  \n"user": app', '"secret": [redacted]  \n"user": app'],
  ['{\\"sessionToken\\": Summer}', '{\\"sessionToken\\": [redacted]}'],
])('the single word of %j is hidden', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

test('a word that prose follows, and JSON literals, still show', () => {
  for (const text of [
    '"password": got "[redacted]"; expected a string',
    'unknown event "token": expected "error" or "consumer-event"',
    '{"password": true, "token": false, "secret": null}',
    '"token": null',
  ]) {
    expect(redactText(text)).toBe(text);
  }
});

test("the library's option errors naming secret options still read", () => {
  for (const [option, value] of [
    ['password', 'Summer'],
    ['token', 'word'],
    ['redis.password', 7],
  ] as const) {
    const message = new InvalidOptionError(option, value, 'expected an object').message;
    expect(message).toMatch(/^Invalid option "[\w.]+": got /);
    expect(message).not.toContain(String(value));
    expect(redactText(message)).toBe(message);
  }
});
