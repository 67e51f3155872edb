import { createSubscriptionClient } from '../../src/kinesis/createSubscriptionClient.js';

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
