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
