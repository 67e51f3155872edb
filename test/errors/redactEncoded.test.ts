// Case: a session token or key URL-escaped once more than a URL escapes it (a presigned URL passed
// on inside another URL's query, `%253D`, `%252F`…, or a value quoted in a message) was printed
// as it was: the patterns knew `=` and base64's `+/=`, not `%3D`, `%2F`, `%253D`. Such values are
// now redacted however often they were escaped; other escapes (a path's) are shown as they are.
import { redactError, redactText, redactValue } from '../../src/errors/redact.js';

const TOKEN =
  'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx+aGVsbG8gd29ybGQ0123456789abcdefABCDEF' +
  'AiB2ZXJ5IGxvbmcgc2Vzc2lvbiB0b2tlbiBmb3IgdGVzdHM+KoAwhVEAAaDDEyMzQ1Njc4OTAxMiIM==';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCESS_KEY = 'ASIAIOSFODNN7EXAMPLE';
const escape = (text: string, times: number): string =>
  times === 0 ? text : escape(encodeURIComponent(text), times - 1);

const presigned = (token: string): string =>
  'https://kinesis.us-east-1.amazonaws.com/?Action=GetRecords&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  `&X-Amz-Credential=${ACCESS_KEY}%2F20261204%2Fus-east-1%2Fkinesis%2Faws4_request` +
  `&X-Amz-Security-Token=${token}&X-Amz-Signature=0123abcd&X-Amz-SignedHeaders=host`;

/** Whether any escaping (0 to 3 times) of `secret` shows in `text`. */
const shows = (text: string, secret: string): boolean =>
  [0, 1, 2, 3].some((times) => text.includes(escape(secret, times).slice(0, 16)));

describe.each([1, 2])('a value escaped %i time(s)', (times) => {
  test('a session token in a URL query', () => {
    const shown = redactText(`GET ${presigned(escape(TOKEN, times))} failed`);
    expect(shows(shown, TOKEN)).toBe(false);
    expect(shown).toContain('X-Amz-Security-Token=***&X-Amz-Signature=***&X-Amz-SignedHeaders=host');
  });

  test('a presigned URL inside another URL: token, credential and signature', () => {
    const url = presigned(encodeURIComponent(TOKEN));
    const text = `redirect to https://login.example.com/?next=${escape(url, times)} refused`;
    const shown = redactText(text);
    expect(shows(shown, TOKEN)).toBe(false);
    expect(shows(shown, ACCESS_KEY)).toBe(false);
    expect(shown).not.toContain('0123abcd');
    const sep = (char: string): string => escape(char, times);
    expect(shown).toContain(
      `${sep('?')}Action${sep('=')}GetRecords${sep('&')}X-Amz-Algorithm${sep('=')}AWS4-HMAC-SHA256` +
        `${sep('&')}X-Amz-Credential${sep('=')}***${sep('&')}`,
    );
    expect(shown).toContain(`X-Amz-SignedHeaders${sep('=')}host refused`);
    expect(shown.startsWith('redirect to https://login.example.com/?next=https')).toBe(true);
    expect(redactText(shown)).toBe(shown);
  });

  test('the security token header, its `:` or `=` escaped too', () => {
    const shown = redactText(
      `x-amz-security-token${escape(':', times)}${escape(TOKEN, times)}${escape('&', times)}x-amz-date`,
    );
    expect(shows(shown, TOKEN)).toBe(false);
    expect(shown).toBe(`x-amz-security-token${escape(':', times)}[redacted]${escape('&', times)}x-amz-date`);
  });

  test.each([
    ['session token', TOKEN],
    ['secret access key', SECRET_KEY],
  ])('a quoted %s, and one given whole (an option value, a cause)', (_case, secret) => {
    const escaped = escape(secret, times);
    expect(redactText(`Region not accepted: region="${escaped}"`)).toBe(
      'Region not accepted: region="[redacted]"',
    );
    expect(redactText(`got '${escaped}'`)).toBe("got '[redacted]'");
    expect(redactValue({ region: escaped })).toEqual({ region: '[redacted]' });
    expect(redactError(escaped)).toBe('[redacted]');
  });
});

describe('ordinary escapes are shown', () => {
  test.each([
    'GET https://example.com/files/my%20report%252Fv2%253D.pdf?name=a%2Fb&page=2 failed',
    'next=https%3A%2F%2Fexample.com%2Fa%2520b%3Fpage%3D2%26sort%3Dname%23top',
    'next=https%253A%252F%252Fexample.com%252F%253Fq%253Da%25252Fb%2526lang%253Den',
    'path "files%2Freports%2F2026%2Fq4"',
    `quoted "${'%20'.repeat(8)}abcdefghijklmnop"`,
    '"%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F"',
  ])('%s', (text) => {
    expect(redactText(text)).toBe(text);
  });
});

describe.each([1, 2])('a secret holding `&`, `#` or `;`, in a URL escaped %i time(s)', (times) => {
  test.each(['&', '#', ';'])('%s: the whole value is hidden, the next parameter shown', (char) => {
    const password = `hunter2${char}tail-of-the-password`;
    const url = `https://db.example.com/?password=${encodeURIComponent(password)}&db=orders`;
    const shown = redactText(`redirect to https://login.example.com/?next=${escape(url, times)} refused`);
    expect(shown).not.toContain('tail-of-the-password');
    expect(shown).toContain(
      `password${escape('=', times)}***${escape('&', times)}db${escape('=', times)}orders`,
    );
  });
});
