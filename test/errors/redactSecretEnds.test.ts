// Case: a secret value found in a text was hidden together with the punctuation of the sentence
// around it (`…?X-Amz-Security-Token=…),` lost its `),`, `x-amz-security-token:…<br>` its
// `<br>`): a value ran to the end of its word. Where the hidden part has a shape with a known
// end (an AWS credential, a signing parameter's value), what follows it is shown again; a value
// of any other shape (a password) may hold such characters and stays hidden whole, and no part of
// a secret is ever shown, not even a character of its alphabet that looks like punctuation.
import { redactConnectionString, redactText } from '../../src/errors/redact.js';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEXAMPLE${'AbC1dEf2GhI3'.repeat(20)}==`;
const SIGNATURE = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
const SCOPE = `${ACCESS_KEY_ID}%2F20261204%2Fus-east-1%2Fkinesis%2Faws4_request`;
const PASSWORD = 'hunter2-Xq9Vt3';

/** Texts a secret may end: a bracket and a comma, a full stop, an HTML line break or cell. */
const ENDINGS = ['),', '.', ')', '<br>', '<br/>', '</td>', ']).'];

/** Each secret shape the redactor knows, as a text shows it, with what should stand for it. */
const SHAPES: ReadonlyArray<readonly [string, (secret: string) => string, string, string]> = [
  ['a session token in a query', (s) => `GET https://k/?X-Amz-Security-Token=${s}`, SESSION_TOKEN, '***'],
  ['an access key id in a query', (s) => `GET https://k/?X-Amz-Credential=${s}`, ACCESS_KEY_ID, '***'],
  ['a credential scope in a query', (s) => `GET https://k/?X-Amz-Credential=${s}`, SCOPE, '***'],
  ['a signature in a query', (s) => `GET https://k/?X-Amz-Signature=${s}`, SIGNATURE, '***'],
  ['a secret key as a token value', (s) => `GET https://k/?token=${s}`, SECRET_ACCESS_KEY, '***'],
  ['a session token header', (s) => `x-amz-security-token:${s}`, SESSION_TOKEN, '[redacted]'],
  [
    'a session token in an escaped URL',
    (s) => `next=https%3A%2F%2Fk%2F%3FX-Amz-Security-Token%3D${encodeURIComponent(s)}`,
    SESSION_TOKEN,
    '***',
  ],
  [
    'a key in an ARN',
    (s) => `arn:aws:kinesis:us-east-1:123456789012:stream/${s}`,
    ACCESS_KEY_ID,
    '[redacted]',
  ],
  ['a quoted key', (s) => `region="${s}"`, SECRET_ACCESS_KEY, '[redacted]'],
];

describe.each(SHAPES)('%s', (_name, show, secret, stand) => {
  test.each(ENDINGS)('keeps %s after it, and hides the secret', (ending) => {
    const text = `(see ${show(secret)}${ending} then more`;
    const shown = redactText(text);
    expect(shown).toBe(`(see ${show(stand)}${ending} then more`);
    expect(shown).not.toContain(secret.slice(0, 12));
    // Applying it again changes nothing more.
    expect(redactText(shown)).toBe(shown);
  });
});

describe('URL user info ends at its @: what follows stays', () => {
  test.each(ENDINGS)('%s', (ending) => {
    expect(redactText(`(see https://${ACCESS_KEY_ID}:${PASSWORD}@host:1${ending} then`)).toBe(
      `(see https://***@host:1${ending} then`,
    );
    expect(redactText(`(see redis://app:${PASSWORD}@db${ending}`)).toBe(`(see redis://app:***@db${ending}`);
  });
});

describe('adversarial: no character of a secret is shown', () => {
  test.each([
    // A base64 character after a key or token is more of it, however it looks.
    [`https://k/?token=${SECRET_ACCESS_KEY}+),`, 'https://k/?token=***'],
    [`https://k/?token=${SECRET_ACCESS_KEY}=),`, 'https://k/?token=***'],
    [`https://k/?token=${SECRET_ACCESS_KEY}/).`, 'https://k/?token=***'],
    [`https://k/?X-Amz-Security-Token=${SESSION_TOKEN}=/).`, 'https://k/?X-Amz-Security-Token=***).'],
    // Letters after a 20-character key id: not a key id, hidden whole.
    [`https://k/?password=${ACCESS_KEY_ID}12),`, 'https://k/?password=***'],
    // A password may hold any punctuation: hidden whole.
    [`https://k/?password=${PASSWORD}),`, 'https://k/?password=***'],
    [`https://k/?password=${PASSWORD}<br>`, 'https://k/?password=***'],
    [`https://k/?password=a.b.${PASSWORD}.`, 'https://k/?password=***'],
    // A token of another shape (a JWT, a local one) in the header is hidden whole.
    ['x-amz-security-token:eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl).', 'x-amz-security-token:[redacted]'],
    ['x-amz-security-token:local-token).', 'x-amz-security-token:[redacted]'],
    // Punctuation inside a token, then more of it: the punctuation is not its end.
    [`https://k/?X-Amz-Security-Token=${SESSION_TOKEN}).abc`, 'https://k/?X-Amz-Security-Token=***'],
    // A value that is only punctuation.
    ['https://k/?password=),', 'https://k/?password=***'],
  ])('%s -> %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  test('connection strings keep the text after a credential-shaped query value too', () => {
    expect(redactConnectionString(`rediss://h:6380?authToken=${SECRET_ACCESS_KEY}).`)).toBe(
      'rediss://h:6380?authToken=***).',
    );
    expect(redactConnectionString(`rediss://h:6380?authToken=${PASSWORD}).`)).toBe(
      'rediss://h:6380?authToken=***',
    );
  });
});

test('a secret key with a / as it is, in URL user info, is hidden whole', () => {
  for (const ending of ['', ...ENDINGS]) {
    const shown = redactText(`(see https://${ACCESS_KEY_ID}:${SECRET_ACCESS_KEY}@host:1${ending} then`);
    expect(shown).toBe(`(see https://***@host:1${ending} then`);
    expect(redactText(`https://app:${SECRET_ACCESS_KEY}@db${ending}`)).toBe(`https://***@db${ending}`);
  }
  // A path holding an @ after a port is not user info.
  expect(redactText('https://host:8080/path/user@example.com')).toBe(
    'https://host:8080/path/user@example.com',
  );
});
