// Case: a secret access key with a `/` as it is in a URL's user info was hidden only as
// `//user:key@`: alone (`//key@`), followed by a session token (`//id:key:token@`) or after an
// escaped colon (`//id%3Akey@`) it was shown whole, the patterns ending the user info at its
// first `/`.
import { redactText } from '../../src/errors/redact.js';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEXAMPLE${'AbC1dEf2GhI3'.repeat(10)}/Zz+Qq==`;

test.each([
  ['a key alone', `https://${SECRET_ACCESS_KEY}@host:443/path`],
  ['a key and a token', `https://${ACCESS_KEY_ID}:${SECRET_ACCESS_KEY}:${SESSION_TOKEN}@host:443/path`],
  ['a key after an escaped colon', `https://${ACCESS_KEY_ID}%3A${SECRET_ACCESS_KEY}@host:443/path`],
  ['a token alone', `redis://${SESSION_TOKEN}@host:443/path`],
])('%s in user info is hidden', (_name, url) => {
  const shown = redactText(`(see ${url}).`);
  expect(shown).toBe(`(see ${url.slice(0, url.indexOf('//') + 2)}***@host:443/path).`);
  expect(redactText(shown)).toBe(shown);
});

test('paths and addresses holding an @ stay as they are', () => {
  for (const text of [
    'https://host:8080/path/user@example.com',
    'https://registry.example.com/some/long/path/to/a/package/@scope/name',
    'mail bob@example.com about https://h:443/a/b/c',
    'redis://app:hunter2@db:6379/0',
  ]) {
    expect(redactText(text)).toBe(text.replace('hunter2', '***'));
  }
});
