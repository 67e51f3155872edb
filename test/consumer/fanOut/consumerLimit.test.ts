// Enhanced fan-out on a stream at its consumer limit, against the embedded local Kinesis: the
// registration no retry can pass (until a consumer is deregistered) fails the consumer at once.
import {
  DescribeStreamSummaryCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import { StreamConsumerLimitError } from '../../../src/consumer/errors/StreamConsumerLimitError.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { waitFor } from '../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis } from './fanOutSupport.js';

jest.setTimeout(60_000);

let kinesis: LocalKinesis;
let client: KinesisClient;

beforeAll(async () => {
  kinesis = await startFanOutKinesis({ efo: { maxConsumersPerStream: 2 } });
  client = kinesis.createClient();
});

afterAll(async () => {
  client.destroy();
  await kinesis.close();
});

test('a stream at its consumer limit: the Observable errors at once with StreamConsumerLimitError', async () => {
  const streamName = uniqueStreamName('efo-limit');
  await kinesis.createStream(streamName, 1);
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN;
  for (const name of ['first', 'second']) {
    await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }));
  }
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'third', {
      checkpointer: new MemoryCheckpointer(),
      enhancedFanOut: { consumerName: 'third', activationTimeoutMs: 30_000 },
    }),
  );
  const errors: unknown[] = [];
  const started = Date.now();
  const subscription = consumer.subscribe({ error: (error: unknown) => errors.push(error) });
  // Was: retried until activationTimeoutMs (30 s here), then RetryLimitExceededError.
  await waitFor(() => errors.length > 0, { timeoutMs: 20_000, message: () => 'no error' });
  expect(Date.now() - started).toBeLessThan(20_000);
  subscription.unsubscribe();
  await consumer.stopped();
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(StreamConsumerLimitError);
  expect(errors[0]).toMatchObject({ consumer: 'third', limit: 2, consumerCount: 2, retriable: false });
  expect((errors[0] as Error).message).toContain(`stream ${streamName} has 2 registered consumers`);
});
