// Case: query values read word by word. A credential after a scheme and a blank (`?auth=Bearer
// abc…`) was shown, only the scheme hidden; a query inside a quoted string took what followed the
// string with its value (`{"url":"/x?token=abc","b":1}` lost `","b":1}`); and a pagination
// token's value (`&nextToken=…`), an opaque place in a listing, was hidden as a secret. The
// credential is now hidden with its scheme, a value ends where its string does, and a pagination
// token is shown; a value that may hold a quote (a password outside a string) is hidden whole.
import { redactText } from '../../src/errors/redact.js';

it.each([
  ['GET x?auth=Bearer abcdef failed', 'GET x?auth=*** failed'],
  ['GET /x?a=1&access_token=Basic dXNlcjpwYXNz, retrying', 'GET /x?a=1&access_token=***, retrying'],
  ['https://h/x?authorization=Token abc123 and more', 'https://h/x?authorization=*** and more'],
  ['{"url":"/x?auth=bearer abc.def","b":1}', '{"url":"/x?auth=***","b":1}'],
])('hides the credential after a scheme in a query: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

it.each([
  // A scheme only after a secret name, any word only after an Authorization one.
  'GET /x?mode=Bearer abcdef',
  'https://h/x?token=expired because',
])('keeps prose after a query value that is no scheme: %s', (text) => {
  const shown = redactText(text);
  expect(shown).toContain(text.slice(text.lastIndexOf(' ')));
});

it.each([
  ['{"url":"/x?token=abc","b":1}', '{"url":"/x?token=***","b":1}'],
  ['{"url":"https://h/x?password=abc","b":1}', '{"url":"https://h/x?password=***","b":1}'],
  ['{\\"url\\":\\"/x?token=abc\\",\\"b\\":1}', '{\\"url\\":\\"/x?token=***\\",\\"b\\":1}'],
  ['{"a":"/x?token=1","b":"/y?token=2"}', '{"a":"/x?token=***","b":"/y?token=***"}'],
  ["failed: url='/x?password=abc', next", "failed: url='/x?password=***', next"],
  ['["/x?token=abc"]', '["/x?token=***"]'],
])('ends a query value where its quoted string ends: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
});

it.each([
  // A quote inside a value that no string closes there is the password's.
  ['redis://db?password=pa"ss', 'redis://db?password=***'],
  ['"redis://db?password=pa"ss"', '"redis://db?password=***"'],
  ['url=/x?password=ab"cd","e":1', 'url=/x?password=***'],
])('hides a value holding a quote whole when no string opened before the query: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
});

it.each([
  ['GET /x?a=1&nextToken=abc123&b=2', 'GET /x?a=1&nextToken=abc123&b=2'],
  ['https://h/x?NextToken=abc&token=def', 'https://h/x?NextToken=abc&token=***'],
  ['/list?continuation-token=AbC%2Fd12&page_token=x9', '/list?continuation-token=AbC%2Fd12&page_token=x9'],
  [
    '?next=https%3A%2F%2Fh%2Fx%3FnextToken%3Dabc%26token%3Ddef',
    '?next=https%3A%2F%2Fh%2Fx%3FnextToken%3Dabc%26token%3D***',
  ],
])("shows a pagination token's value in a query: %s", (text, shown) => {
  expect(redactText(text)).toBe(shown);
});

it.each([
  // A quote escaped inside the quoted value is the password's, not its end.
  ['GET /x?password="a b\\" c" failed', 'GET /x?password=*** failed'],
  ["GET /x?password='it\\'s a b' failed", 'GET /x?password=*** failed'],
  // The value quoted with escaped quotes, inside a JSON string.
  ['{"url":"/x?password=\\"a b\\"","b":1}', '{"url":"/x?password=***","b":1}'],
])('hides a quoted query value holding an escaped quote whole: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

it.each([
  // JSON.stringify writes a quote of the password as \", which does not end the string the URL
  // stands in: what follows it (`,cd`) is the password's.
  [{ url: 'https://h/x?password=ab",cd', b: 1 }, '{"url":"https://h/x?password=***","b":1}'],
  [{ url: '/x?token=ab"]x', b: 1 }, '{"url":"/x?token=***","b":1}'],
  [{ url: 'https://h/x?password=ab":cd&c=2', b: 1 }, '{"url":"https://h/x?password=***&c=2","b":1}'],
])('hides a value holding an escaped quote in a JSON string whole: %j', (value, shown) => {
  expect(redactText(JSON.stringify(value))).toBe(shown);
});
