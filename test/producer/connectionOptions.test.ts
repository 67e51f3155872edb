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
