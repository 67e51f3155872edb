// Case: a text with one long run of word starts that read like URL schemes (`(a:(a:(a:...`), as a
// garbled or hostile message may hold. The user-info patterns tried every such start and scanned
// the rest of the run from each: 120 KB took 5-13 s, and every error or log line carrying such a
// text stalled the process that long. Each whitespace-delimited word holding an `@` is now
// redacted on its own, and one longer than 2,048 characters is replaced whole.
import { redactText } from '../../src/errors/redact.js';

const HOSTILE = '(a:'.repeat(40_000);

test('a long word without an @ is left as it is, at once (seconds before)', () => {
  const text = `@ ${HOSTILE}`;
  expect(redactText(text)).toBe(text);
});

test('a long word with an @ is replaced whole, and the words around it are still redacted', () => {
  expect(redactText(`redis://app:hunter2@db:6379 ${HOSTILE}@host tail`)).toBe(
    'redis://app:***@db:6379 [redacted: a long word with an @] tail',
  );
});

test('many words of schemes, each under the limit, are redacted one by one', () => {
  const word = `${'(a:'.repeat(600)}x:secret@host`;
  const out = redactText(`${word} `.repeat(200));
  expect(out).not.toContain('secret');
  expect(out.split(' ').filter(Boolean)).toHaveLength(200);
});

test('URLs keep their host and plain user name, as before', () => {
  expect(redactText('failed: redis://app:hunter2@db:6379, then https://AKIAABCDEFGHIJKLMNOP:x@host/p')).toBe(
    'failed: redis://app:***@db:6379, then https://***@host/p',
  );
});
