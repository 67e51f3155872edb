// Enhanced fan-out when the world changes under a running consumer, against the embedded local
// Kinesis: the stream consumer deregistered by another client, the stream deleted (with its
// consumers).
import {
  DeregisterStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { retry, type Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import { StreamConsumerNotActiveError } from '../../../src/consumer/errors/StreamConsumerNotActiveError.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { StreamNotFoundError } from '../../../src/kinesis/errors/StreamNotFoundError.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, streamConsumers, text } from './fanOutSupport.js';

jest.setTimeout(90_000);

let kinesis: LocalKinesis;
let client: KinesisClient;
const cleanUp: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  kinesis = await startFanOutKinesis({ efo: { consumerStatusDelayMs: 1500 } });
  client = kinesis.createClient();
});

afterEach(async () => {
  for (const step of cleanUp.splice(0).reverse()) await step();
});

afterAll(async () => {
  client.destroy();
  await kinesis.close();
});

function run(consumer: ReturnType<typeof fromKinesis>) {
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const events: ConsumerEvent[] = [];
  const subscriptions: Subscription[] = [
    consumer.events$.subscribe((event) => events.push(event)),
    consumer.pipe(checkpoint()).subscribe({ next: (r) => records.push(r), error: (e) => errors.push(e) }),
  ];
  cleanUp.push(async () => {
    for (const s of subscriptions) s.unsubscribe();
    await consumer.stopped();
  });
  return { records, errors, events };
}

async function consumerArnOf(streamName: string): Promise<string> {
  const output = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const [consumer] = await streamConsumers(client, output.StreamDescriptionSummary?.StreamARN ?? '');
  return consumer?.ConsumerARN ?? '';
}

test('the stream consumer deregistered by another client mid-run: StreamConsumerNotActiveError, not a missing stream', async () => {
  const streamName = uniqueStreamName('efo-dereg');
  await kinesis.createStream(streamName, 1);
  await putRecords(client, streamName, numbers(10));
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'dereg', { checkpointer: new MemoryCheckpointer() }),
  );
  const { records, errors } = run(consumer);
  await waitFor(() => records.length === 10, { timeoutMs: 30_000, message: () => `read ${records.length}` });
  const arn = await consumerArnOf(streamName);
  await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: arn }));
  // DELETING (refused as not ACTIVE, retried once a second), then gone: the Observable errors.
  await waitFor(() => errors.length > 0, { timeoutMs: 30_000, message: () => 'no error' });
  await consumer.stopped();
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(StreamConsumerNotActiveError);
  expect(errors[0]).not.toBeInstanceOf(StreamNotFoundError);
  // Registered by name: retriable, a new run (retry(), or started again) registers it anew.
  expect(errors[0]).toMatchObject({ consumer: arn, status: 'not found', retriable: true });
  expect(records.map(text)).toEqual(numbers(10));
  expect(kinesis.subscriptions({ streamName })).toEqual([]);
});

test('a consumerArn deregistered mid-run: confirmed gone, StreamConsumerNotActiveError not retriable', async () => {
  // Was: retriable, as for a consumer registered by name, though an ARN names one registration
  // that never comes back (a retry() on retriable errors started run after run to fail again).
  const streamName = uniqueStreamName('efo-dereg-arn');
  await kinesis.createStream(streamName, 2);
  await putRecords(client, streamName, numbers(10));
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const registered = await client.send(
    new RegisterStreamConsumerCommand({
      StreamARN: summary.StreamDescriptionSummary?.StreamARN,
      ConsumerName: 'given',
    }),
  );
  const arn = registered.Consumer?.ConsumerARN ?? '';
  const consumer = fromKinesis({
    ...fanOutOptions(kinesis, streamName, 'unused', { checkpointer: new MemoryCheckpointer() }),
    enhancedFanOut: { consumerArn: arn },
  });
  const { records, errors, events } = run(consumer);
  await waitFor(() => records.length === 10, { timeoutMs: 30_000, message: () => `read ${records.length}` });
  await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: arn }));
  await waitFor(() => errors.length > 0, { timeoutMs: 30_000, message: () => 'no error' });
  await consumer.stopped();
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(StreamConsumerNotActiveError);
  expect(errors[0]).toMatchObject({ consumer: arn, status: 'not found', retriable: false });
  expect((errors[0] as Error).message).toContain('an ARN names one registration');
  expect(records.map(text).sort()).toEqual(numbers(10).sort());
  expect(kinesis.subscriptions({ streamName })).toEqual([]);
  expect(events.filter((event) => event.type === 'consumer-stopped')).toHaveLength(1);
});

test('the stream deleted mid-run: the Observable errors with a typed error and stops', async () => {
  const streamName = uniqueStreamName('efo-deleted');
  await kinesis.createStream(streamName, 2);
  await putRecords(client, streamName, numbers(10));
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'deleted', { checkpointer: new MemoryCheckpointer() }),
  );
  const { records, errors } = run(consumer);
  await waitFor(() => records.length === 10, { timeoutMs: 30_000, message: () => `read ${records.length}` });
  await kinesis.deleteStream(streamName);
  await waitFor(() => errors.length > 0, { timeoutMs: 30_000, message: () => 'no error' });
  await consumer.stopped();
  expect(errors).toHaveLength(1);
  // Its consumers go with the stream: SubscribeToShard names the consumer as not found.
  expect(errors[0]).toBeInstanceOf(StreamConsumerNotActiveError);
  expect((errors[0] as StreamConsumerNotActiveError).retriable).toBe(true);
  expect(records.map(text).sort()).toEqual(numbers(10).sort());
  expect(kinesis.subscriptions({ streamName })).toEqual([]);
});

test('a consumerName deregistered mid-run, with retry(): the next run registers it anew and reads on from the checkpoints', async () => {
  const streamName = uniqueStreamName('efo-dereg-retry');
  await kinesis.createStream(streamName, 1);
  await putRecords(client, streamName, numbers(5));
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'again', { checkpointer: new MemoryCheckpointer() }),
  );
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const events: ConsumerEvent[] = [];
  const subscriptions: Subscription[] = [
    consumer.events$.subscribe((event) => events.push(event)),
    consumer
      .pipe(checkpoint(), retry({ count: 1 }))
      .subscribe({ next: (r) => records.push(r), error: (e) => errors.push(e) }),
  ];
  cleanUp.push(async () => {
    for (const s of subscriptions) s.unsubscribe();
    await consumer.stopped();
  });
  await waitFor(() => records.length === 5, { timeoutMs: 30_000, message: () => `read ${records.length}` });
  // The fifth record checkpointed: the next run starts after it.
  const fifth = records[4]?.sequenceNumber;
  const written = (event: ConsumerEvent) =>
    event.type === 'checkpoint-written' &&
    event.position !== 'SHARD_END' &&
    event.position.sequenceNumber === fifth;
  await waitFor(() => events.some(written), { timeoutMs: 30_000, message: () => 'not checkpointed' });
  const first = await consumerArnOf(streamName);
  await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: first }));
  await waitFor(() => events.filter((event) => event.type === 'consumer-started').length === 2, {
    timeoutMs: 30_000,
    message: () => `events: ${events.map((event) => event.type).join(', ')}`,
  });
  await putRecords(client, streamName, numbers(5, 5));
  await waitFor(() => records.length === 10, { timeoutMs: 30_000, message: () => `read ${records.length}` });
  expect(errors).toEqual([]);
  expect(records.map(text)).toEqual(numbers(10));
  const second = await consumerArnOf(streamName);
  expect(second).not.toBe(first);
  const lifecycle = events.filter((e) => e.type === 'consumer-started' || e.type === 'consumer-stopped');
  expect(lifecycle.map((event) => event.type)).toEqual([
    'consumer-started',
    'consumer-stopped',
    'consumer-started',
  ]);
});
