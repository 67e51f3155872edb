// The secret query values of a query without a scheme before it: a request target quoted in a
// message (`GET /x?token=…`), a relative link (`x?password=…`), a form body
// (`grant_type=…&client_secret=…`). Only queries of a whole URL (`https://…?password=…`) were
// redacted: the others were shown, since the names' own rule leaves a query's `?name=` and
// `&name=` to the URL rule.
import { redactText } from '../../src/errors/redact.js';

it.each([
  ['GET /orders?token=abcdef HTTP/1.1', 'GET /orders?token=*** HTTP/1.1'],
  ['GET /x?token=ab%3Acd:ef failed', 'GET /x?token=*** failed'],
  ['see x?password=hunter2', 'see x?password=***'],
  ['/cb?access_token=eyJhbGciOi.eyJzdWIi.c2ln&state=1', '/cb?access_token=***&state=1'],
  ['/x?a=1&token=ab%3Acd:ef&y=2', '/x?a=1&token=***&y=2'],
  [
    'body grant_type=client_credentials&client_secret=s3cr3t sent',
    'body grant_type=client_credentials&client_secret=*** sent',
  ],
  ['"/x?password=p"; next', '"/x?password=***"; next'],
])('%s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
});

it.each(['Invalid NextToken?', '/shards?limit=10&partitionKey=k1'])('shows %s as it is', (text) => {
  expect(redactText(text)).toBe(text);
});

it('a hostile megabyte of query starts is redacted in one pass, not one per start', () => {
  // Linear work takes well under a second; a search from every `?` to the text's end would take
  // hours. The bound leaves room for a loaded machine.
  const text = '?a'.repeat(500_000) + '&password=x';
  const started = performance.now();
  expect(redactText(text).endsWith('&password=***')).toBe(true);
  expect(performance.now() - started).toBeLessThan(10_000);
});

// A query without a scheme escaped inside another query's value (a relative redirect target
// `?next=%2Fx%3Ftoken%3D…`, a form body escaped whole) was shown: only an escaped URL's query
// (one with an escaped `://`) was searched.
it.each([
  ['GET /login?next=%2Fcb%3Ftoken%3Dabcdef HTTP/1.1', 'GET /login?next=%2Fcb%3Ftoken%3D*** HTTP/1.1'],
  ['/login?next=/cb%3Fa%3D1%26password%3Dhunter2&b=2', '/login?next=/cb%3Fa%3D1%26password%3D***&b=2'],
  ['body=a%3D1%26client_secret%3Ds3cr3t sent', 'body=a%3D1%26client_secret%3D*** sent'],
  ['/login?next=%252Fcb%253Ftoken%253Dabcdef', '/login?next=%252Fcb%253Ftoken%253D***'],
])('hides an escaped query without a scheme: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

it.each(['/shards%3Flimit%3D10%26partitionKey%3Dk1', 'file%3Fname%3Dkey.txt'])(
  'shows an escaped query of names that are no secrets: %s',
  (text) => {
    expect(redactText(text)).toBe(text);
  },
);

it('a hostile megabyte of escaped query starts is redacted in one pass', () => {
  const text = '%3Fa'.repeat(250_000) + '%26password%3Dx';
  const started = performance.now();
  expect(redactText(text).endsWith('%26password%3D***')).toBe(true);
  expect(performance.now() - started).toBeLessThan(10_000);
});

// A quoted query value holding a blank (`?password="my pass"`) was hidden only up to the blank:
// the rest of it (`pass"`) was shown, a word of its own.
it.each([
  ['GET /x?password="my pass word" failed', 'GET /x?password=*** failed'],
  ["see x?a=1&token='ab cd' then", 'see x?a=1&token=*** then'],
  ['https://h/x?password=`p q` sent', 'https://h/x?password=*** sent'],
])('hides a quoted query value holding a blank whole: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

it('shows a quoted query value of a name that is no secret: /x?q="a b"', () => {
  expect(redactText('/x?q="a b" and ?name="c d"')).toBe('/x?q="a b" and ?name="c d"');
});

it('a hostile megabyte of quoted query values never closed is redacted in one pass', () => {
  const text = '?password="' + "?token='x".repeat(100_000) + '?a=`' + 'b'.repeat(100_000);
  const started = performance.now();
  expect(redactText(text).startsWith('?password=***')).toBe(true);
  expect(performance.now() - started).toBeLessThan(10_000);
});
