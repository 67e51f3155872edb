// Case: a JSON encoder that escapes `/` (`https:\/\/app:pass@db`, a token's `AB\/cd`), a JSON
// `\u002F`, or an HTML character reference (`&#x2F;`, `&#43;`) hid a URL's or a secret's
// characters from the redaction patterns, which end a user info, a query value or a token at a
// backslash or an `&`: the user info and query of such a URL were shown whole, a session token
// from its first escaped `/` or `+` on. Such a text is redacted, and shown, with them undone.
import { redactError, redactText } from '../../src/errors/redact.js';
import { inspect } from 'node:util';

const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TAIL = 'Zz9Qq8Ww7Ee6Rr5Tt4Yy3';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEXAMPLE${'AbC1dEf2GhI3'.repeat(10)}/${TAIL}+Uu2Ii1Oo0==`;
const PASSWORD = 'hunter2-Xq9Vt3';

/** What no redacted text may show: the end of the token, the key's, the password. */
function expectHidden(shown: string): void {
  expect(shown).not.toContain(TAIL);
  expect(shown).not.toContain('Uu2Ii1Oo0');
  expect(shown).not.toContain('bPxRfiCY');
  expect(shown).not.toContain('Xq9Vt3');
  // Applying it again changes nothing more.
  expect(redactText(shown)).toBe(shown);
}

const phpJson = (value: unknown): string => JSON.stringify(value).replace(/\//g, '\\/');
const htmlEscaped = (text: string): string =>
  text.replace(/\//g, '&#x2F;').replace(/\+/g, '&#43;').replace(/=/g, '&#61;');

test.each([
  [
    'a presigned URL in JSON escaping /',
    phpJson({ url: `https://k/?X-Amz-Security-Token=${SESSION_TOKEN}&a=1` }),
  ],
  ['a token header in JSON escaping /', phpJson({ 'x-amz-security-token': SESSION_TOKEN })],
  [
    'a token header in JSON escaping / in JSON',
    JSON.stringify(phpJson({ canonical: `x-amz-security-token:${SESSION_TOKEN}` })),
  ],
  ['a token with \\u002F escapes', `x-amz-security-token:${SESSION_TOKEN.replace(/\//g, '\\u002F')}`],
  ['a token with \\u002b escapes', `x-amz-security-token:${SESSION_TOKEN.replace(/\+/g, '\\u002b')}`],
  ['user info in JSON escaping /', phpJson({ url: `redis://app:${PASSWORD}@db:6379` })],
  ['a key in JSON escaping /', phpJson({ url: `https://AKIAIOSFODNN7EXAMPLE:${SECRET_ACCESS_KEY}@k/` })],
  ['a password query in JSON escaping /', phpJson({ url: `redis://db:6379/?password=${PASSWORD}` })],
  [
    'a token query in HTML',
    `<a href="https://k/?X-Amz-Security-Token=${htmlEscaped(SESSION_TOKEN)}&amp;X-Amz-Date=1">link</a>`,
  ],
  ['a token header in HTML', `<td>x-amz-security-token:${htmlEscaped(SESSION_TOKEN)}</td>`],
  ['a token with decimal references', `x-amz-security-token:${SESSION_TOKEN.replace(/\//g, '&#047;')}<br>`],
  ['a token with named references', `x-amz-security-token:${SESSION_TOKEN.replace(/\//g, '&sol;')}`],
  ['a password with a character reference', `<p>https://k/?password=hunter&#50;-Xq9Vt3&amp;a=1</p>`],
])('%s: no part of the secret is shown', (_name, text) => {
  const shown = redactText(text);
  expectHidden(shown);
  expect(shown).toMatch(/\*\*\*|\[redacted\]/);
});

test('what surrounds the secret is still shown, with the escapes undone', () => {
  expect(redactText(phpJson({ url: `redis://app:${PASSWORD}@db:6379`, n: 1 }))).toBe(
    '{"url":"redis://app:***@db:6379","n":1}',
  );
  expect(redactText(`<td>x-amz-security-token:${htmlEscaped(SESSION_TOKEN)}</td>`)).toBe(
    '<td>x-amz-security-token:[redacted]</td>',
  );
});

test('a text with such escapes and nothing secret is shown as it is', () => {
  for (const text of [
    phpJson({ url: 'https://host:8080/path/user@example.com', re: 'a/b' }),
    String.raw`pattern \u002F and \\/ stay`,
    '<p>5 &#43; 3 &#61; 8, a&#x2F;b &amp; c@example.com</p>',
    'Tom &amp; Jerry &sol; &plus;',
  ]) {
    expect(redactText(text)).toBe(text);
  }
});

test('an error with a cause chain, printed, shows no part of such a secret', () => {
  const cause = new Error(`answer ${phpJson({ 'x-amz-security-token': SESSION_TOKEN })}`);
  const error = new Error(`GET ${htmlEscaped(`https://k/?X-Amz-Security-Token=${SESSION_TOKEN}`)}`, {
    cause,
  });
  const shown = inspect(redactError(error));
  expect(shown).not.toContain(TAIL);
  expect(shown).not.toContain('Uu2Ii1Oo0');
});

test('a long hostile run of escapes is redacted in linear time', () => {
  const run = `x-amz-security-token:${'\\/&#43;\\u002F'.repeat(50_000)}`;
  const started = process.hrtime.bigint();
  expect(redactText(run)).toBe('x-amz-security-token:[redacted]');
  // Generous: a quadratic pass over 1 MB would take minutes.
  expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(20_000);
});
