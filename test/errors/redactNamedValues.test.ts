// Case: a credential in free text, unquoted after its name (`secretAccessKey=KEY`,
// `aws_secret_access_key = KEY` from a pasted credentials file, `SessionToken: TOKEN`), was shown:
// only URLs, quoted values that read as credentials and secret-named properties were redacted.
// The value after a secret-looking name is hidden now; prose and names that only look alike
// (`Token: expired`, `key=value`, `partition key: …`, `NextToken`, a file name's line number)
// stay as they are.
import { redactError, redactText } from '../../src/errors/redact.js';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEXAMPLE${'AbC1dEf2GhI3'.repeat(10)}/Zz+Qq==`;

test.each([
  [`secretAccessKey=${SECRET_ACCESS_KEY}`, 'secretAccessKey=[redacted]'],
  [`aws_secret_access_key = ${SECRET_ACCESS_KEY}`, 'aws_secret_access_key = [redacted]'],
  [
    `bad profile: aws_access_key_id=${ACCESS_KEY_ID} aws_secret_access_key=${SECRET_ACCESS_KEY}`,
    'bad profile: aws_access_key_id=[redacted] aws_secret_access_key=[redacted]',
  ],
  [`refused (SessionToken: ${SESSION_TOKEN}).`, 'refused (SessionToken: [redacted]).'],
  [
    `{"secretAccessKey": "${SECRET_ACCESS_KEY}", "region": "eu-west-1"}`,
    '{"secretAccessKey": "[redacted]", "region": "eu-west-1"}',
  ],
  [
    `sent Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0 to h`,
    'sent Authorization: Bearer [redacted] to h',
  ],
  ['login failed, password: hunter2', 'login failed, password: [redacted]'],
  ['api_key=abc, retrying', 'api_key=[redacted], retrying'],
  ["DB_PASSWORD='correct horse'", "DB_PASSWORD='[redacted]'"],
])('the value after a secret name in free text is hidden: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

test('prose and names that only look secret stay as they are', () => {
  for (const text of [
    'key=value without a URL',
    'Invalid token: expired',
    'Item #3 has an invalid partition key: too long',
    'Item #3 has an invalid ExplicitHashKey: 2^128 or more',
    'Invalid NextToken: AAAAAAAAAAEAAAAA1',
    'partitionKey=order-17 explicitHashKey=42',
    '    at refreshToken (/app/node_modules/x/tokenCache.js:12:5)',
    'Invalid option "password": got "[redacted]"; unknown option',
    'credentials: none given',
    'ExpiredTokenException: ExpiredTokenException happened',
    'InvalidSignatureException: Signature expired: 20261204T103000Z is now earlier than 20261204T104000Z',
    'CredentialsProviderError: Could not load credentials from any providers',
    'redis://token:***@db:6379',
    'https://h/?X-Amz-Signature=***&a=1',
  ]) {
    expect(redactText(text)).toBe(text);
  }
});

test('an error whose message holds a credential after its name has it hidden, in its message and stack', () => {
  const error = new Error(`could not load profile: aws_secret_access_key = ${SECRET_ACCESS_KEY}`);
  const redacted = redactError(error) as Error;
  expect(redacted.message).toBe('could not load profile: aws_secret_access_key = [redacted]');
  expect(redacted.stack).not.toContain(SECRET_ACCESS_KEY);
});

/** A megabyte of `unit`. */
const megabyte = (unit: string): string => unit.repeat(Math.ceil(2 ** 20 / unit.length)).slice(0, 2 ** 20);

test.each([
  ['names and equals signs', megabyte('password=')],
  ['names and colons', megabyte('password:')],
  ['open quotes', megabyte('password="')],
  ['a quote never closed', `password="${'a'.repeat(2 ** 20)}`],
  ['long names', megabyte(`${'secretAccessKey'.repeat(8)} `)],
  ['names and spaces', `password${' '.repeat(2 ** 20)}x`],
  ['bearer schemes', megabyte('Authorization: Bearer ')],
])('a hostile megabyte (%s) is redacted in one pass, not one per position', (_name, text) => {
  // Linear work takes well under a second; a search from every position of a megabyte to its end
  // would take hours. The bound leaves room for a loaded machine.
  const started = performance.now();
  redactText(text);
  expect(performance.now() - started).toBeLessThan(10_000);
});
