// Case: user info holding a `/` as it is. `redis://app:pa/ss@db` (a URL that does not parse) showed
// its password: the patterns ended the user info at its first `/`. A URL escaped inside a text
// (`https%3A%2F%2Fid%3Akey%40host`) whose secret access key holds a `/`, raw or escaped, was shown
// whole for the same reason. Both are hidden now; a host and port followed by a path holding an
// `@` still reads as one.
import { redactConnectionString, redactText } from '../../src/errors/redact.js';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

test.each([
  ['redis://app:pa/ss@db', 'redis://app:***@db'],
  ['connect to redis://app:pa/ss@db:6379 failed', 'connect to redis://app:***@db:6379 failed'],
  ['(redis://default:a/b/c:d@db:6379/0),', '(redis://default:***@db:6379/0),'],
  ['redis://:pa/ss@db', 'redis://:***@db'],
])('a password holding a / in a plain URL is hidden: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

test.each([
  ['raw', SECRET_ACCESS_KEY],
  ['escaped', SECRET_ACCESS_KEY.replace(/\//g, '%2F')],
  ['escaped twice', SECRET_ACCESS_KEY.replace(/\//g, '%252F')],
])('an escaped URL whose user info holds a key with a %s / is hidden', (_name, key) => {
  for (const [text, shown] of [
    [`next=https%3A%2F%2F${ACCESS_KEY_ID}%3A${key}%40host%2Fp`, 'next=https%3A%2F%2F***%40host%2Fp'],
    [`next=https%3A%2F%2F${key}%40host`, 'next=https%3A%2F%2F***%40host'],
    [`https%3A%2F%2F${ACCESS_KEY_ID}%3A${key}@host/p`, 'https%3A%2F%2F***@host/p'],
    [
      `see https://proxy/?u=https%3A%2F%2F${ACCESS_KEY_ID}%3A${key}%40host%2Fp now`,
      'see https://proxy/?u=https%3A%2F%2F***%40host%2Fp now',
    ],
  ]) {
    expect(redactText(text!)).toBe(shown);
    expect(redactText(shown!)).toBe(shown);
  }
});

test('an escaped URL whose password holds a / is hidden', () => {
  expect(redactText('next=https%3A%2F%2Fapp%3Apa/ss%40host')).toBe('next=https%3A%2F%2F***%40host');
});

test('a host and port, or a host alone, followed by a path holding an @ stays as it is', () => {
  for (const text of [
    'https://host:8080/path/user@example.com',
    'https://[::1]:80/a/b@c',
    'https://registry.example.com/some/path/@scope/name',
    'next=https%3A%2F%2Fhost%3A8080%2Fa%40b',
    'next=https%3A%2F%2Fhost%2Fusers%2Fbob%40example.com',
    'next=https:%2F%2Fh%2Fa%40b',
    'mail bob@example.com about https://h:443/a/b/c',
  ]) {
    expect(redactText(text)).toBe(text);
  }
  expect(redactConnectionString('redis://app:pa/ss@db')).toBe('redis://app:***@db');
});

/** A megabyte of `unit`. */
const megabyte = (unit: string): string => unit.repeat(Math.ceil(2 ** 20 / unit.length)).slice(0, 2 ** 20);

test.each([
  ['authorities ending at a /', megabyte('%3A%2F%2Fa/')],
  ['authorities with a password ending at a /', `${megabyte('%3A%2F%2Fu%3Ap/')}%40host`],
  ['authorities ending at an escaped /', `${megabyte('%3A%2F%2Fu%3Ap%2F')}%40host`],
  ['one authority with a long path', `https%3A%2F%2Fu%3Ap/${'a/'.repeat(2 ** 19)}%40host`],
])('a hostile megabyte (%s) is redacted in one pass, not one per authority', (_name, text) => {
  // Linear work takes well under a second; a search from each of some 100,000 authorities to the
  // end of a megabyte would take minutes. The bound leaves room for a loaded machine.
  const started = performance.now();
  redactText(text);
  expect(performance.now() - started).toBeLessThan(10_000);
});
