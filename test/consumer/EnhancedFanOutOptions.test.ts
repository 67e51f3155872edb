import { KinesisClient } from '@aws-sdk/client-kinesis';
import { resolveConsumerOptions } from '../../src/consumer/ConsumerOptions.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';

const ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/billing:1700000000';

function rejection(extra: object): InvalidOptionError {
  try {
    resolveConsumerOptions({ streamName: 'orders', ...extra });
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('no error');
}

test('no enhancedFanOut: polling, as before', () => {
  expect(resolveConsumerOptions({ streamName: 'orders' }).enhancedFanOut).toBeUndefined();
});

test('consumerName or consumerArn, with the documented defaults', () => {
  expect(
    resolveConsumerOptions({ streamName: 'orders', enhancedFanOut: { consumerName: 'billing' } })
      .enhancedFanOut,
  ).toEqual({
    consumerName: 'billing',
    silenceTimeoutMs: 35_000,
    activationTimeoutMs: 120_000,
    deregisterOnStop: false,
  });
  const client = new KinesisClient({ region: 'eu-west-1' });
  expect(
    resolveConsumerOptions({
      streamName: 'orders',
      enhancedFanOut: { consumerArn: ARN, silenceTimeoutMs: 10_000, activationTimeoutMs: 5000, client },
      deregisterOnStop: true,
    }).enhancedFanOut,
  ).toEqual({
    consumerArn: ARN,
    silenceTimeoutMs: 10_000,
    activationTimeoutMs: 5000,
    client,
    deregisterOnStop: true,
  });
  client.destroy();
});

test.each([
  [{ enhancedFanOut: {} }, 'enhancedFanOut', /exactly one of consumerName/],
  [
    { enhancedFanOut: { consumerName: 'a', consumerArn: ARN } },
    'enhancedFanOut',
    /exactly one of consumerName/,
  ],
  [{ enhancedFanOut: 'billing' }, 'enhancedFanOut', /expected \{ consumerName/],
  [{ enhancedFanOut: { consumerName: 'bad name!' } }, 'enhancedFanOut.consumerName', /1 to 128 characters/],
  [{ enhancedFanOut: { consumerName: '' } }, 'enhancedFanOut.consumerName', /1 to 128 characters/],
  [
    { enhancedFanOut: { consumerArn: 'arn:aws:kinesis:eu-west-1:1:stream/orders' } },
    'enhancedFanOut.consumerArn',
    /consumer\/NAME/,
  ],
  [
    {
      enhancedFanOut: {
        consumerArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/payments/consumer/billing:1700000000',
      },
    },
    'enhancedFanOut.consumerArn',
    /a stream consumer of stream payments, not of orders/,
  ],
  [
    {
      streamName: 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders',
      enhancedFanOut: {
        consumerArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:1700000000',
      },
    },
    'enhancedFanOut.consumerArn',
    /a stream consumer of stream arn:aws:kinesis:us-east-1:123456789012:stream\/orders, not of arn:aws:kinesis:eu-west-1:/,
  ],
  [
    { enhancedFanOut: { consumerName: 'a', silenceTimeoutMs: 0 } },
    'enhancedFanOut.silenceTimeoutMs',
    /integer from 1/,
  ],
  [
    { enhancedFanOut: { consumerName: 'a', activationTimeoutMs: 1.5 } },
    'enhancedFanOut.activationTimeoutMs',
    /integer/,
  ],
  [{ enhancedFanOut: { consumerName: 'a', client: {} } }, 'enhancedFanOut.client', /KinesisClient/],
  [{ enhancedFanOut: { consumerName: 'a', name: 'b' } }, 'enhancedFanOut.name', /unknown option/],
  [{ deregisterOnStop: true }, 'deregisterOnStop', /only allowed with enhancedFanOut/],
  [{ enhancedFanOut: { consumerName: 'a' }, deregisterOnStop: 'yes' }, 'deregisterOnStop', /true or false/],
])('rejects %j naming %s', (extra, option, message) => {
  const error = rejection(extra);
  expect(error.option).toBe(option);
  expect(error.message).toMatch(message);
});
