// `maxAttempts`, the SDK-level attempts of the client a producer or consumer builds: 1 unless
// given (the library does its own retries), and checked like every other option.
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { createKinesisClient, DEFAULT_MAX_ATTEMPTS } from '../../src/kinesis/createKinesisClient.js';
import { Producer } from '../../src/producer/Producer.js';

const connection = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

describe('maxAttempts', () => {
  it('is 1 unless given, as the options table says', async () => {
    expect(DEFAULT_MAX_ATTEMPTS).toBe(1);
    const client = createKinesisClient(connection);
    try {
      await expect(client.config.maxAttempts()).resolves.toBe(DEFAULT_MAX_ATTEMPTS);
    } finally {
      client.destroy();
    }
  });

  it('is passed to the SDK when given', async () => {
    const client = createKinesisClient({ ...connection, maxAttempts: 3 });
    try {
      await expect(client.config.maxAttempts()).resolves.toBe(3);
    } finally {
      client.destroy();
    }
  });

  it.each([0, -1, 2.5, Number.NaN, '3'])('refuses %p with InvalidOptionError naming the option', (value) => {
    expect(() => createKinesisClient({ ...connection, maxAttempts: value as number })).toThrow(
      InvalidOptionError,
    );
    expect(() => createKinesisClient({ ...connection, maxAttempts: value as number })).toThrow(/maxAttempts/);
    expect(() => new Producer({ streamName: 'orders', ...connection, maxAttempts: value as number })).toThrow(
      InvalidOptionError,
    );
  });
});
