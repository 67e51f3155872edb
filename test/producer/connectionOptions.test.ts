import { KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
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
