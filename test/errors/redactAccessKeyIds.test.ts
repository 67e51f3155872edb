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
  'stream AKIAIOSFODNN7EXAMPLE2 has no key',
  'stream XAKIAIOSFODNN7EXAMPLE has no key',
  'stream AKIAIOSFODNN7EXAMPL is shorter',
  'stream AKIAiosfodnn7example is in lower case',
  'stream AROAIOSFODNN7EXAMPLE is a role id',
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
