// deregisterOnStop when the consumer stops while its RegisterStreamConsumer call is under way,
// against the embedded local Kinesis behind a proxy that loses the call's answer: Kinesis
// registered the stream consumer, the consumer never learnt its ARN, and still deregisters it.
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { startDynamoDBFaultProxy, type DynamoDBFaultProxy } from '../../support/dynamodbFaultProxy.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, streamConsumers } from './fanOutSupport.js';

jest.setTimeout(60_000);

let kinesis: LocalKinesis;
let client: KinesisClient;
// The fault proxy reads the operation from X-Amz-Target, as Kinesis requests name it too.
let proxy: DynamoDBFaultProxy;

beforeAll(async () => {
  kinesis = await startFanOutKinesis({ efo: { consumerStatusDelayMs: 1500 } });
  client = kinesis.createClient();
  proxy = await startDynamoDBFaultProxy(kinesis.endpoint);
});

afterAll(async () => {
  await proxy.close();
  client.destroy();
  await kinesis.close();
});

test('deregisterOnStop: stopped while RegisterStreamConsumer is under way, the consumer Kinesis registered is deregistered', async () => {
  const streamName = uniqueStreamName('efo-stop-registering');
  await kinesis.createStream(streamName, 1);
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? '';
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'leaving', { endpoint: proxy.endpoint, deregisterOnStop: true }),
  );
  const events: ConsumerEvent[] = [];
  const eventsSubscription = consumer.events$.subscribe((event) => events.push(event));
  const errors: unknown[] = [];
  let stopping: Promise<void> | undefined;
  // Kinesis registers the consumer; the answer is lost: the consumer stops meanwhile.
  const subscription = consumer.subscribe({ error: (error) => errors.push(error) });
  proxy.loseAnswers('RegisterStreamConsumer', 1, () => {
    subscription.unsubscribe();
    stopping = consumer.stopped();
  });
  const deadline = Date.now() + 30_000;
  while (stopping === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(stopping).toBeDefined();
  await stopping;
  eventsSubscription.unsubscribe();
  expect(errors).toEqual([]);
  const left = (await streamConsumers(client, streamArn)).filter((c) => c.ConsumerStatus !== 'DELETING');
  expect(left.map((c) => `${c.ConsumerName} ${c.ConsumerStatus}`)).toEqual([]);
  expect(events.filter((event) => event.type === 'consumer-started')).toEqual([]);
});
