// A Nest handler may fail with anything: an error naming a URL with its password (a database
// driver's), an RpcException-style object holding the request's token, an SDK error quoting a
// secret key. The transport logs a dead letter (and a failure after a lost lease) through Nest's
// logger with describeForLog(), which printed them as they were.
import { describeForLog } from '../../src/nestjs/describeForLog.js';

const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

it.each([
  ['an error naming a URL with user info', new Error('cannot reach redis://app:hunter2@db:6379')],
  ['a plain object with a secret-named property', { status: 'error', password: 'hunter2' }],
  ['an error quoting a secret key', new Error(`Region not accepted: region="${SECRET_ACCESS_KEY}"`)],
  ['a thrown string with a URL', 'cannot reach redis://app:hunter2@db:6379'],
])('%s is described without its secret', (_, failure) => {
  const line = describeForLog(failure);
  expect(line).not.toContain('hunter2');
  expect(line).not.toContain('EXAMPLEKEY');
});

it('what is not secret is kept', () => {
  expect(describeForLog(new Error('cannot reach redis://app:hunter2@db:6379'))).toBe(
    'Error: cannot reach redis://app:***@db:6379',
  );
  expect(describeForLog({ status: 'error', password: 'hunter2' })).toBe(
    '{"status":"error","password":"[redacted]"}',
  );
});
