// A handler's failure often quotes the event's data (a validator naming the value it refused),
// which whoever wrote the record chose. The transport logs it through Nest's logger with
// describeForLog(), which printed it as it was: a line break in the value started a forged log
// line, ESC or an 8-bit CSI drove the terminal, a bidi override reordered the line. Those
// characters are now JSON escapes and the line stays one line.
import { describeForLog } from '../../src/nestjs/describeForLog.js';

/** What a terminal or a log viewer acts on rather than shows. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const HOSTILE =
  'x\n[Nest] 1  - 12/04/2026, 10:00:00 AM   LOG [Auth] admin signed in\u001b[2J\u009b2J\u202e\u2028';

it.each([
  ['an error quoting the value', new Error(`name must be shorter than 10 characters: ${HOSTILE}`)],
  ['an object holding the value', { status: 'error', message: HOSTILE }],
  ['a thrown string', HOSTILE],
])('%s is described on one line, its controls escaped', (_case, failure) => {
  const line = describeForLog(failure);
  expect(line).not.toMatch(UNPRINTABLE);
  expect(line).toContain('x\\n[Nest] 1  - 12/04/2026, 10:00:00 AM   LOG [Auth] admin signed in\\u001b[2J');
  expect(line).toContain('\\u009b2J\\u202e\\u2028');
});

it('a plain failure reads as before', () => {
  expect(describeForLog(new Error('order 42 not found'))).toBe('Error: order 42 not found');
  expect(describeForLog({ status: 'error', message: 'Internal server error' })).toBe(
    '{"status":"error","message":"Internal server error"}',
  );
});
