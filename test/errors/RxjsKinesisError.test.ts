import { inspect } from 'node:util';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';

const SECRET = 'pw-0f9e8d7c6b5a';

describe('RxjsKinesisError redaction', () => {
  it('redacts URL user info from its message', () => {
    const error = new RxjsKinesisError(`cannot reach redis://:${SECRET}@db:6379`);
    expect(error.message).toBe('cannot reach redis://:***@db:6379');
    expect(error.stack).not.toContain(SECRET);
  });

  it('keeps a clean cause as it is, like Error does (own, not enumerable)', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const error = new RxjsKinesisError('down', { cause });
    expect(error.cause).toBe(cause);
    expect(Object.keys(error)).not.toContain('cause');
    expect(inspect(error)).toContain('[cause]: Error: connect ECONNREFUSED');
  });

  it('keeps a redacted copy of a cause that carries command arguments, given or assigned later', () => {
    const dirty = () =>
      Object.assign(new Error('WRONGPASS invalid username-password pair'), {
        command: { name: 'auth', args: [SECRET] },
      });
    const given = new RxjsKinesisError('auth failed', { cause: dirty() });
    const assigned = Object.assign(new InvalidOptionError('endpoint', 'x', 'expected a URL'), {
      cause: dirty(),
    });
    for (const error of [given, assigned]) {
      expect((error.cause as Error).message).toBe('WRONGPASS invalid username-password pair');
      expect((error.cause as { command?: unknown }).command).toBeUndefined();
      expect(inspect(error, { depth: Infinity, showHidden: true })).not.toContain(SECRET);
    }
  });
});

describe('InvalidOptionError', () => {
  it('says option, value and what is allowed, with secrets redacted in message and value', () => {
    const plain = new InvalidOptionError('batchSize', 0, 'expected an integer >= 1');
    expect(plain.message).toBe('Invalid option "batchSize": got 0; expected an integer >= 1');
    expect(plain.value).toBe(0);

    const secret = new InvalidOptionError('password', SECRET, 'unknown option');
    expect(secret.message).toBe('Invalid option "password": got "[redacted]"; unknown option');
    expect(secret.value).toBe('[redacted]');

    const nested = new InvalidOptionError(
      'options',
      { streamName: 's', credentials: { secretAccessKey: SECRET } },
      'x',
    );
    expect(nested.value).toEqual({ streamName: 's', credentials: '[redacted]' });
    expect(JSON.stringify(nested)).not.toContain(SECRET);
  });

  it('describes functions and class instances without printing their insides', () => {
    class Client {
      readonly options = { password: SECRET };
    }
    expect(new InvalidOptionError('client', new Client(), 'x').message).toBe(
      'Invalid option "client": got "[Client]"; x',
    );
    function handler(): string {
      return SECRET;
    }
    expect(new InvalidOptionError('onFailure', handler, 'x').message).toBe(
      'Invalid option "onFailure": got a function (handler); x',
    );
  });
});
