import { KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { Producer } from '../../src/producer/Producer.js';

// Options are checked before any I/O, when toKinesis() is called or the Producer is made, also
// with a client of the caller's own (the producer times its calls with connectTimeout + requestTimeout).
describe('connectTimeout and requestTimeout of a producer', () => {
  const client = new KinesisClient({ region: 'us-east-1' });
  afterAll(() => client.destroy());

  it.each([
    ['connectTimeout', -1],
    ['requestTimeout', 0],
    ['requestTimeout', '30s'],
  ])('refuses %s: %p at once', (option, value) => {
    const options = { streamName: 'orders', client, [option]: value };
    expect(() => toKinesis(options)).toThrow(InvalidOptionError);
    expect(() => new Producer(options)).toThrow(InvalidOptionError);
    expect(() => toKinesis({ ...options, client: undefined, region: 'us-east-1' })).toThrow(
      InvalidOptionError,
    );
  });
});

// The options a client is built from are checked the same way: when toKinesis() is called (not
// only when its output is subscribed to), and always with InvalidOptionError, whatever the value.
describe('the options a producer builds its client from', () => {
  const secret = 'test-secret-value-not-real';
  it.each([
    ['endpoint', 'ftp://127.0.0.1:4567'],
    ['region', 'Not A Region'],
    ['maxAttempts', 0],
    ['client', 5],
    ['credentials', 7],
    ['credentials', null],
    ['credentials', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret, sessionToken: 5 }],
    ['credentials', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret, expiration: '2030-01-01' }],
  ])('refuses %s: %p at once, showing no secret', (option, value) => {
    const options = { streamName: 'orders', region: 'us-east-1', [option]: value };
    for (const make of [() => toKinesis(options as never), () => new Producer(options as never)]) {
      let thrown: unknown;
      try {
        make();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(String((thrown as Error).message)).not.toContain(secret);
    }
  });
});

// Credentials read through a getter or a Proxy (a vault wrapper, say) whose reading throws: a
// typed option error with the caller's error as its cause, the message quoting neither.
describe('credentials whose reading throws', () => {
  const leaked = 'AKIAIOSFODNN7EXAMPLE vault-token-not-real';
  const failure = new Error(`vault refused: ${leaked}`);
  const throwingProxy = (): object =>
    new Proxy(
      {},
      {
        get: () => {
          throw failure;
        },
        ownKeys: () => {
          throw failure;
        },
      },
    );
  const throwingGetter = (): object => ({
    get accessKeyId(): string {
      throw failure;
    },
    secretAccessKey: 'test-secret-value-not-real',
  });
  const makers: Array<[string, (credentials: object) => unknown]> = [
    [
      'new Producer()',
      (credentials) => new Producer({ streamName: 'orders', region: 'us-east-1', credentials } as never),
    ],
    [
      'toKinesis()',
      (credentials) => toKinesis({ streamName: 'orders', region: 'us-east-1', credentials } as never),
    ],
    [
      'fromKinesis()',
      (credentials) => fromKinesis({ streamName: 'orders', region: 'us-east-1', credentials } as never),
    ],
  ];
  it.each(
    makers.flatMap(([name, make]) => [
      [`${name}, a Proxy`, make, throwingProxy],
      [`${name}, a getter`, make, throwingGetter],
    ]),
  )('%s: InvalidOptionError with the cause', (_name, make, credentials) => {
    let thrown: unknown;
    try {
      make(credentials());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect((thrown as InvalidOptionError).option).toBe('credentials');
    expect((thrown as Error).message).toContain('reading its properties threw');
    expect((thrown as Error).message).not.toContain('vault');
    expect((thrown as Error).message).not.toContain('AKIA');
    expect((thrown as Error).cause).toBeInstanceOf(Error);
  });

  it('reads credentials a Proxy answers for only through get', () => {
    const values: Record<string, string> = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-real' };
    const credentials = new Proxy({}, { get: (_target, key) => values[key as string] });
    const producer = new Producer({ streamName: 'orders', region: 'us-east-1', credentials } as never);
    return producer.close();
  });
});
