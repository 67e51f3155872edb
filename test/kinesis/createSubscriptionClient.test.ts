import { createSubscriptionClient } from '../../src/kinesis/createSubscriptionClient.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';

test.each(['http://127.0.0.1:4567', 'https://kinesis.eu-west-1.amazonaws.com', undefined])(
  'SubscribeToShard clients speak HTTP/2 (endpoint %s)',
  async (endpoint) => {
    const client = createSubscriptionClient({
      region: 'eu-west-1',
      ...(endpoint === undefined ? {} : { endpoint }),
    });
    try {
      const handler = client.config.requestHandler as {
        metadata: { handlerProtocol: string };
        httpHandlerConfigs(): Record<string, unknown>;
      };
      expect(handler.metadata.handlerProtocol).toBe('h2');
      expect(await client.config.maxAttempts()).toBe(1);
      if (endpoint !== undefined) {
        const resolved = await client.config.endpoint?.();
        expect(resolved?.hostname).toBe(new URL(endpoint).hostname);
      }
    } finally {
      client.destroy();
    }
  },
);

test.each([
  ['options that are not an object', null, 'options'],
  ['a region that is not one', { region: 'eu west 1' }, 'region'],
  ['credentials without a secret', { credentials: { accessKeyId: 'AKIAEXAMPLE' } }, 'credentials'],
  ['an endpoint that is not http(s)', { endpoint: 'ftp://127.0.0.1:1' }, 'endpoint'],
  // Misspelt names were ignored: the client ran with the default region, endpoint, timeout.
  ['a misspelt region', { regoin: 'eu-west-1' }, 'regoin'],
  ['a misspelt endpoint', { region: 'eu-west-1', endpiont: 'http://127.0.0.1:4567' }, 'endpiont'],
  ['a misspelt timeout', { region: 'eu-west-1', requestTimeOut: 1000 }, 'requestTimeOut'],
])(
  'createSubscriptionClient() and createKinesisClient() refuse %s with InvalidOptionError',
  (_label, options, option) => {
    for (const create of [
      () => createSubscriptionClient(options as never),
      () => createKinesisClient(options as never),
    ]) {
      let thrown: unknown;
      try {
        create().destroy();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(thrown).toMatchObject({ option });
    }
  },
);

test('an unknown option name is refused without its value, naming the known ones', () => {
  let thrown: unknown;
  try {
    createKinesisClient({ regoin: 'eu-west-1' } as never).destroy();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidOptionError);
  expect((thrown as Error).message).toBe(
    'Invalid option "regoin": got "(not shown: unknown option)"; unknown option; did you mean "region"? ' +
      'known options are ' +
      'client, region, endpoint, credentials, maxAttempts, connectTimeout, requestTimeout',
  );
});

test('createSubscriptionClient() refuses `client` (it builds its own)', () => {
  expect(() => createSubscriptionClient({ client: {} } as never)).toThrow(InvalidOptionError);
});
