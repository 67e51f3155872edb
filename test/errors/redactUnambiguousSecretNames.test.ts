// Case: after a name that can only mean a secret (`Password`, `clientSecret`, `apiKey`,
// `Authorization`…) and a colon, a plain word (`Password: Summer`) was taken for prose and shown,
// and so was a quoted one (YAML's `password: "x"`), a value glued to the colon
// (`password:Summer`), the credentials after a lower-case or unusual scheme
// (`authorization: basic …`, `Authorization: Token …`), the rest of a quoted value after an
// escaped or other quote (`"a\"b c"`, `"it's a secret"`), an escaped JSON value
// (`\"password\":\"…\"`) and the value of a command-line style `--password=…` or
// `--password x`. Ambiguous names (`token`, `key`, `credential`) keep showing a plain word after
// a colon.
import { redactText } from '../../src/errors/redact.js';

test.each([
  ['Password: Summer', 'Password: [redacted]'],
  ['password: Summer', 'password: [redacted]'],
  ['PASSWORD: Summer', 'PASSWORD: [redacted]'],
  ['Password : Summer', 'Password : [redacted]'],
  ['Password:\tSummer', 'Password:\t[redacted]'],
  ['password:Summer', 'password:[redacted]'],
  ['login failed (password: Summer), retrying', 'login failed (password: [redacted], retrying'],
  ['passwd: Summer', 'passwd: [redacted]'],
  ['pwd: Summer', 'pwd: [redacted]'],
  ['secret: Summer', 'secret: [redacted]'],
  ['clientSecret: Summer', 'clientSecret: [redacted]'],
  ['client_secret: Summer', 'client_secret: [redacted]'],
  ['secretAccessKey: Summer', 'secretAccessKey: [redacted]'],
  ['AWS_SECRET_ACCESS_KEY: Summer', 'AWS_SECRET_ACCESS_KEY: [redacted]'],
  ['sessionToken: Summer', 'sessionToken: [redacted]'],
  ['aws_session_token: Summer', 'aws_session_token: [redacted]'],
  ['apiKey: Summer', 'apiKey: [redacted]'],
  ['api_key: Summer', 'api_key: [redacted]'],
  ['x-api-key: Summer', 'x-api-key: [redacted]'],
  ['Authorization: Summer', 'Authorization: [redacted]'],
  ['password: "x"', 'password: "[redacted]"'],
  ["password: 'Summer'", "password: '[redacted]'"],
  ['authorization: basic dXNlcjpwYXNz', 'authorization: basic [redacted]'],
  ['AUTHORIZATION: BEARER abc', 'AUTHORIZATION: BEARER [redacted]'],
  ['Authorization: Token abc123def', 'Authorization: Token [redacted]'],
  ['{"password":"a\\"b c"}', '{"password":"[redacted]"}'],
  ['password="it\'s a secret"', 'password="[redacted]"'],
  ['body {\\"password\\":\\"hunter2\\"}', 'body {\\"password\\":\\"[redacted]\\"}'],
  ["password=p'ssw0rd now", 'password=[redacted] now'],
  ['run with --password=Summer', 'run with --password=[redacted]'],
  ['run with -password=Summer', 'run with -password=[redacted]'],
  [
    'Command failed: tool --password Summer --verbose',
    'Command failed: tool --password [redacted] --verbose',
  ],
  ['kinesis --secret-access-key Summer --region eu', 'kinesis --secret-access-key [redacted] --region eu'],
  ['tool --api-key\tSummer', 'tool --api-key\t[redacted]'],
])('the value after an unambiguous secret name is hidden whatever it looks like: %s', (text, shown) => {
  expect(redactText(text)).toBe(shown);
  expect(redactText(shown)).toBe(shown);
});

test('a quoted value too long to be read whole is still hidden', () => {
  const shown = redactText(`password="${'a'.repeat(5000)}" then`);
  expect(shown).not.toContain('aaaa');
  expect(shown).toContain(' then');
});

test('ambiguous names keep a plain word after a colon, and debugging values stay', () => {
  for (const text of [
    'Invalid token: expired',
    'Token: Summer',
    'key: Summer',
    'credential: none',
    'credentials: none given',
    'auth: failed',
    'PasswordPolicy: strict',
    'SecretId: orders',
    'stream orders shard shardId-000000000001 at 49590338271490256608559692538361571095921575989136588898',
    'arn:aws:kinesis:eu-west-1:123456789012:stream/orders',
    'partitionKey: Summer',
    'Invalid NextToken: AAAAAAAAAAEAAAAA1',
    'ContinuationSequenceNumber: 49590338271490256608559692538361571095921575989136588898',
    'ExpiredTokenException: The security token included in the request is expired',
    'InvalidPasswordException: Password does not conform to policy',
    'Invalid option "password": got "[redacted]"; unknown option',
    'eu-west-1a: shard-2 of stream-3',
    'tool --password --verbose',
    'tool --token abc --starting-token def',
    // The type a value must have, as the library's own option errors describe a credentials object.
    'Invalid option "credentials": expected { accessKeyId: string, secretAccessKey: string, sessionToken?: string }',
    'apiKey: string|undefined; password: null',
  ]) {
    expect(redactText(text)).toBe(text);
  }
});
