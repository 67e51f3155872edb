// A credentials provider whose call for the SubscribeToShard client never answers (an STS or
// Cognito request taken and left silent, once). The SDK shares one pending call of a provider
// between every request that needs credentials, and the subscription client, unlike the
// consumer's other client, gave that call no deadline: every later SubscribeToShard waited on
// the same call, was abandoned at the silence deadline, and the consumer failed with
// RetryLimitExceededError without reading a record, though the provider answered every other call.
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { firstValueFrom, map, take, toArray } from 'rxjs';
import type { KinesisCredentials } from '../../../src/kinesis/createKinesisClient.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from './fanOutSupport.js';

// Only bounds a hang.
jest.setTimeout(90_000);

let kinesis: LocalKinesis;
let client: KinesisClient;

beforeAll(async () => {
  kinesis = await startFanOutKinesis();
  client = kinesis.createClient();
});

afterAll(async () => {
  client.destroy();
  await kinesis.close();
});

it('a provider call of the subscription client that never answers is given up, and reading goes on', async () => {
  const streamName = uniqueStreamName('efo-credentials');
  await kinesis.createStream(streamName, 1);
  for (const id of ['a', 'b', 'c'])
    await client.send(
      new PutRecordCommand({ StreamName: streamName, PartitionKey: id, Data: Buffer.from(id) }),
    );
  let subscriptionCalls = 0;
  const provider = (options?: {
    callerClientConfig?: { requestHandler?: unknown };
  }): Promise<KinesisCredentials> => {
    // The first call for the HTTP/2 (SubscribeToShard) client stays silent; every other answers.
    if (options?.callerClientConfig?.requestHandler instanceof NodeHttp2Handler && ++subscriptionCalls === 1)
      return new Promise<never>(() => undefined);
    return Promise.resolve({ ...kinesis.credentials });
  };
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'app', {
      credentials: provider,
      iteratorType: 'TRIM_HORIZON',
      connectTimeout: 500,
      requestTimeout: 1000,
      enhancedFanOut: { consumerName: 'app', silenceTimeoutMs: 2000 },
    }),
  );
  const read = await firstValueFrom(consumer.pipe(take(3), map(text), toArray()));
  await consumer.stopped();
  expect(read).toEqual(['a', 'b', 'c']);
  expect(subscriptionCalls).toBeGreaterThan(1);
});
