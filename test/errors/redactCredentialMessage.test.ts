// Case: an error whose whole message is an AWS credential (`new Error(secretKey)`: a credentials
// getter, or a validator, throwing the value it refused) was printed with it, in its message and
// its stack, though a string cause that reads as one is replaced whole.
import { inspect } from 'node:util';
import { redactError, REDACTED } from '../../src/errors/redact.js';
import { checkedCredentials } from '../../src/kinesis/checkedCredentials.js';

const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEXAMPLE${'AbC1dEf2GhI3'.repeat(10)}==`;

test.each([
  ['a secret access key', SECRET_ACCESS_KEY],
  ['an access key id', 'AKIAIOSFODNN7EXAMPLE'],
  ['a session token', SESSION_TOKEN],
])('an error whose message is %s: hidden in its message and stack', (_name, secret) => {
  const error = new TypeError(secret);
  const redacted = redactError(new Error('outer', { cause: error })) as Error & { cause: Error };
  expect(redacted.cause.message).toBe(REDACTED);
  expect(redacted.cause).toBeInstanceOf(TypeError);
  expect(redacted.cause.stack).toContain(`TypeError: ${REDACTED}`);
  expect(inspect(redacted, { depth: 5 })).not.toContain(secret.slice(0, 16));
});

test('a credentials getter that throws the key: the cause shows no part of it', () => {
  let thrown: unknown;
  try {
    checkedCredentials({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      get secretAccessKey(): string {
        throw new Error(SECRET_ACCESS_KEY);
      },
    });
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(Error);
  expect(inspect(thrown, { depth: 5 })).not.toContain('K7MDENG');
});

test('an error with an ordinary message is kept as it is', () => {
  const error = new Error('connection refused by kinesis.us-east-1.amazonaws.com');
  expect(redactError(error)).toBe(error);
  const named = new Error('StreamNameWithUpperAndLower1234567890');
  expect(redactError(named)).toBe(named);
});
