// Case: a password holding a `?` or `#` as it is (`rediss://app:p#ss@db`, `amqp://u:pa?ss@h`: a
// URL that does not parse) was shown, as one holding a `/` had been: the user info was ended at
// its first `?` or `#`. It is hidden now; a host and port followed by a query or fragment that
// holds an `@` (`https://h:8443/?to=a@b`) still reads as one.
import { redactConnectionString, redactText } from '../../src/errors/redact.js';

test.each([
  ['rediss://app:p#ss@db', 'rediss://app:***@db'],
  ['connect to amqp://u:pa?ss@h:5672 failed', 'connect to amqp://u:***@h:5672 failed'],
  ['redis://:a#b?c/d@db', 'redis://:***@db'],
])('a password holding a ? or # in a URL is hidden: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
  expect(redactConnectionString(text.replace(/^connect to | failed$/g, ''))).not.toMatch(/pa\?ss|p#ss|a#b/);
});

test('a host, port or path followed by a query or fragment holding an @ stays', () => {
  for (const text of [
    'https://h:8443/?to=a@b',
    'https://h?email=a@b.com',
    'http://localhost:3000#x@y',
    'https://h/p?x=1#frag@here',
  ]) {
    expect(redactText(text)).toBe(text);
  }
});
