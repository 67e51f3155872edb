// Case: an access key id written in prose, where no name says what it is. A proxy or a server
// quoting the key a request was signed with (`… is not valid for AKIA…`) had it shown in the
// error's message and in log lines, as only a quoted one or one after a secret-looking name was
// hidden. Such a key id is now hidden wherever it stands as a word; words that merely resemble
// one (another length, lower case, inside a longer name) are shown.
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { redactText } from '../../src/errors/redact.js';
import { writeLog } from '../../src/logging/writeLog.js';

const LONG_TERM = 'AKIAIOSFODNN7EXAMPLE';
const TEMPORARY = 'ASIAY34FZKBOKMUTVV7A';

it.each([
  [`The security token included in the request is invalid: ${LONG_TERM}`, 'invalid: [redacted]'],
  [`denied for key ${TEMPORARY} on resource orders`, 'for key [redacted] on resource orders'],
  [`user/${LONG_TERM}: not authorized.`, 'user/[redacted]: not authorized.'],
  [`(${TEMPORARY}),`, '([redacted]),'],
  [`keys ${LONG_TERM} and ${TEMPORARY}`, 'keys [redacted] and [redacted]'],
])('hides an access key id in prose: %s', (text, shown) => {
  const redacted = redactText(text);
  expect(redacted).toContain(shown);
  expect(redacted).not.toContain(LONG_TERM);
  expect(redacted).not.toContain(TEMPORARY);
  expect(redactText(redacted)).toBe(redacted);
});

it.each([
  // A percent escape or a JSON escape glued before it (a URL-encoded ARN or path, a server's JSON
  // message quoted in another text) separates it from the word before as a blank does.
  [`arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2F${LONG_TERM}%2Fx`, 'user%2F[redacted]%2Fx'],
  [`key%20${TEMPORARY}%20is invalid`, 'key%20[redacted]%20is invalid'],
  [`{"message":"invalid key\\n${LONG_TERM}"}`, 'invalid key\\n[redacted]"}'],
  [`{"message":"invalid\\t${TEMPORARY}."}`, 'invalid\\t[redacted]."}'],
  [`{"message":"invalid\\u0020${LONG_TERM}"}`, 'invalid\\u0020[redacted]"}'],
])('hides an access key id after an escape: %s', (text, shown) => {
  const redacted = redactText(text);
  expect(redacted).toContain(shown);
  expect(redacted).not.toContain(LONG_TERM);
  expect(redacted).not.toContain(TEMPORARY);
});

it.each([
  'stream AKIAIOSFODNN7EXAMPLE2 has no key',
  'stream XAKIAIOSFODNN7EXAMPLE has no key',
  'stream AKIAIOSFODNN7EXAMPL is shorter',
  'stream AKIAiosfodnn7example is in lower case',
  'stream AROAIOSFODNN7EXAMPLE is a role id',
  'stream xAKIAIOSFODNN7EXAMPLE%2F has a letter before',
  'digest 9f%2AKIAIOSFODNN7EXAMPLE is no escape',
])('shows a word that only resembles one: %s', (text) => {
  expect(redactText(text)).toBe(text);
});

it("hides it in an error's message and in a log line built from a server's text", () => {
  const error = new RxjsKinesisError(`the endpoint said: signature of ${LONG_TERM} does not match`);
  expect(error.message).toBe('the endpoint said: signature of [redacted] does not match');
  expect(String(error.stack)).not.toContain(LONG_TERM);
  const lines: unknown[][] = [];
  const logger = { warn: (...args: unknown[]) => lines.push(args) };
  writeLog(logger as never, 'warn', `answer: bad key ${TEMPORARY}`, {
    said: `rejected ${LONG_TERM}`,
    error: new Error(`forbidden for ${TEMPORARY}`),
  });
  expect(JSON.stringify(lines)).not.toMatch(/AKIA|ASIA/);
  expect(String(lines[0]?.[0])).toBe(
    'rxjs-kinesis: answer: bad key [redacted] said=rejected [redacted] error=Error: forbidden for [redacted]',
  );
});
