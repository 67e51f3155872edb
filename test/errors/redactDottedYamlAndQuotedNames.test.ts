// Case: three forms of a secret after its name were shown as they are: a dotted name
// (`spring.datasource.password=x`, `db.password: x`, as Java properties and flattened configs
// write them), a YAML key alone on its line with its value on the next line (`password:\n  x`),
// and a quoted name with a bare value (`"password": hunter2`). Each is hidden now, while prose
// around such names, a dotted name whose last part is no secret's, and the library's own option
// errors (`Invalid option "password": got …`, `secretAccessKey: string`) stay readable.
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { redactText } from '../../src/errors/redact.js';
import { checkedCredentials } from '../../src/kinesis/checkedCredentials.js';

test.each([
  ['spring.datasource.password=hunter2', 'spring.datasource.password=[redacted]'],
  ['db.password: Summer', 'db.password: [redacted]'],
  ['app.auth.token=abc123, retrying', 'app.auth.token=[redacted], retrying'],
  ['{"spring.datasource.password": "hunter2"}', '{"spring.datasource.password": "[redacted]"}'],
  ['password:\n  hunter2', 'password:\n  [redacted]'],
  [
    'db:\n  user: app\n  password:\n    "correct horse"\n  host: db',
    'db:\n  user: app\n  password:\n    "[redacted]"\n  host: db',
  ],
  ['- apiKey:\r\n    AKIAEXAMPLE7\r\n', '- apiKey:\r\n    [redacted]\r\n'],
  ['token:\n  abc123', 'token:\n  [redacted]'],
  ['{"password": hunter2, "user": "app"}', '{"password": [redacted], "user": "app"}'],
  // The brackets closing a JSON object or array after the value stay.
  ['[{"apiKey": 123456}]', '[{"apiKey": [redacted]}]'],
  ['"secretAccessKey": wJalrXUtnFEMI/K7MDENG', '"secretAccessKey": [redacted]'],
])('the value of %j is hidden', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

test('prose and names that are not a secret stay as they are', () => {
  for (const text of [
    'password.minLength=8',
    'token.length: 40',
    'auth.example.com: connection refused',
    '    at refreshToken (/app/node_modules/x/tokenCache.js:12:5)',
    'db.password: string',
    'credentials.token: expired',
    // A YAML-looking key whose next line is not its value alone, or not indented more.
    'Wrong password:\n    at check (/app/login.js:3:7)',
    'password:\nhunter2',
    'password:\n  not a single value',
    'reason: bad password:\n  try again',
    'token:\n  expired',
    // A bare word after a quoted name reads as prose, as the library's option errors do.
    '"password": got "[redacted]"',
    '"token": null',
    '{"password": true, "token": false}',
  ]) {
    expect(redactText(text)).toBe(text);
  }
});

test("the library's own option errors that name secret options still read", () => {
  for (const [option, value] of [
    ['password', 5],
    ['redis.password', 'x'],
    ['credentials.sessionToken', { a: 1 }],
    ['close.token', true],
  ] as const) {
    const message = new InvalidOptionError(option, value, 'expected a string').message;
    expect(redactText(message)).toBe(message);
    expect(message).toMatch(new RegExp(`^Invalid option "${option.replace('.', '\\.')}": got `));
  }
  let thrown: unknown;
  try {
    checkedCredentials({ accessKeyId: 5 } as never);
  } catch (error) {
    thrown = error;
  }
  const message = (thrown as Error).message;
  expect(message).toContain('secretAccessKey: string, sessionToken?: string');
  expect(redactText(message)).toBe(message);
});

/** A megabyte of `unit`. */
const megabyte = (unit: string): string => unit.repeat(Math.ceil(2 ** 20 / unit.length)).slice(0, 2 ** 20);

test.each([
  ['dotted names', megabyte('a.')],
  ['dotted secret names and colons', megabyte('db.password:')],
  ['YAML keys and blank lines', megabyte('password:\n')],
  ['YAML keys under list items', megabyte('- - password:\n  ')],
  ['indentation after a YAML key', `password:\n${' '.repeat(2 ** 20)}x y`],
  ['quoted names and bare words', megabyte('"password": got ')],
])('a hostile megabyte (%s) is redacted in one pass, not one per position', (_name, text) => {
  // Linear work takes well under a second; a search from every position of a megabyte to its end
  // would take hours. The bound leaves room for a loaded machine.
  const started = performance.now();
  redactText(text);
  expect(performance.now() - started).toBeLessThan(10_000);
});
