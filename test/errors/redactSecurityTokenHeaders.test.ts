// AWS answers a signature it cannot match with the canonical request it computed, the session
// token's signed header in it: no error or log line of the library carries that token on.
import { redactText } from '../../src/errors/redact.js';

const TOKEN = 'IQoJb3JpZ2luX2VjEHwaCXVzLWVhc3QtMSJHMEUCIQDx7aGVsbG8gd29ybGQ0123456789abcdef+/==';

test('redacts the value of the x-amz-security-token header and query parameter, not the name list', () => {
  const text = [
    "The Canonical String for this request should have been\n'POST\n/",
    `X-Amz-Date=20261204T103000Z&X-Amz-Security-Token=${TOKEN}&X-Amz-Signature=abc`,
    'host:dynamodb.us-east-1.amazonaws.com',
    `x-amz-security-token:${TOKEN}`,
    `X-Amz-Security-Token : ${TOKEN}'`,
    '',
    'host;x-amz-date;x-amz-security-token;x-amz-target',
  ].join('\n');
  const shown = redactText(text);
  expect(shown).not.toContain(TOKEN.slice(0, 12));
  expect(shown).toContain('x-amz-security-token:[redacted]\n');
  expect(shown).toContain("X-Amz-Security-Token : [redacted]'");
  // The canonical query string's signature is hidden too, as a presigned URL's is: with the rest of
  // the query, it lets anyone make the request until it expires.
  expect(shown).toContain('X-Amz-Date=20261204T103000Z&X-Amz-Security-Token=[redacted]&X-Amz-Signature=***');
  expect(shown).toContain('host;x-amz-date;x-amz-security-token;x-amz-target');
  expect(redactText(shown)).toBe(shown);
});

test('in JSON, redacts the token and only the token, quoted once or twice, and a second pass changes nothing', () => {
  // A log line of a thrown object shows its JSON: the newlines of the canonical request are `\n`.
  const message = [
    'x-amz-date:20261204T103000Z',
    `x-amz-security-token:${TOKEN}`,
    'x-amz-target:Kinesis_20131202.PutRecords',
    '',
    'host;x-amz-date;x-amz-security-token;x-amz-target',
  ].join('\n');
  const shown = redactText(JSON.stringify({ message }));
  expect(shown).not.toContain(TOKEN.slice(0, 12));
  expect(shown).toContain(
    'x-amz-security-token:[redacted]\\nx-amz-target:Kinesis_20131202.PutRecords\\n\\nhost;x-amz-date;',
  );
  expect(redactText(shown)).toBe(shown);
  // A header object as JSON, and that JSON in a JSON string.
  const headers = JSON.stringify({ 'x-amz-security-token': TOKEN, 'x-amz-target': 'PutRecords' });
  expect(redactText(headers)).toBe('{"x-amz-security-token":"[redacted]","x-amz-target":"PutRecords"}');
  const twice = redactText(JSON.stringify(headers));
  expect(twice).not.toContain(TOKEN.slice(0, 12));
  expect(twice).toContain('x-amz-security-token\\":\\"[redacted]\\",');
});
