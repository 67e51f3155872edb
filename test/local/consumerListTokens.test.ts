// A ListStreamConsumers NextToken lives 300 seconds; an expired one is an
// ExpiredNextTokenException, as the API reference documents (it was refused as invalid). Only
// the wall clock is faked here: the server and the SDK run on real timers.
import {
  ExpiredNextTokenException,
  InvalidArgumentException,
  ListStreamConsumersCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/listed';

let local: LocalKinesis;
let client: KinesisClient;
beforeAll(async () => {
  local = await startLocalKinesis({ streams: { listed: 1 } });
  client = local.createClient();
  for (const name of ['one', 'two', 'three']) {
    await client.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN, ConsumerName: name }));
  }
});
afterAll(async () => {
  jest.useRealTimers();
  client.destroy();
  await local.close();
});

it('answers an expired NextToken with ExpiredNextTokenException, an unknown one as invalid', async () => {
  const first = await client.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN, MaxResults: 1 }));
  expect(first.NextToken).toBeDefined();
  const second = await client.send(
    new ListStreamConsumersCommand({ StreamARN: STREAM_ARN, NextToken: first.NextToken, MaxResults: 1 }),
  );
  expect(second.Consumers?.map((consumer) => consumer.ConsumerName)).toEqual(['two']);
  jest.useFakeTimers({
    now: Date.now() + 301_000,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  const expired = await client
    .send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN, NextToken: second.NextToken }))
    .catch((error: unknown) => error);
  expect(expired).toBeInstanceOf(ExpiredNextTokenException);
  jest.useRealTimers();
  await expect(
    client.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN, NextToken: 'never-handed-out' })),
  ).rejects.toBeInstanceOf(InvalidArgumentException);
});
