// A subscription's connection cut in the middle of an event-stream message (the client got its
// start): the consumer subscribes again from after the last record it emitted, reads every record
// once and in order, and does not fail. Cut inside the initial response (while SubscribeToShard
// is still being answered) and inside a SubscribeToShardEvent.
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import { ConnectionError } from '../../../src/kinesis/errors/ConnectionError.js';
import { RetryLimitExceededError } from '../../../src/kinesis/errors/RetryLimitExceededError.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { CuttingRelay } from '../../support/cuttingRelay.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { putRecords, waitFor } from '../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from './fanOutSupport.js';

jest.setTimeout(120_000);

let kinesis: LocalKinesis;

beforeAll(async () => {
  kinesis = await startFanOutKinesis();
});

afterAll(async () => {
  await kinesis.close();
});

test.each([
  ['the initial response', 'initial-response'],
  ['an event', 'SubscribeToShardEvent'],
])('a connection cut inside %s is retried from the last emitted record, not an error', async (_, marker) => {
  const relay = new CuttingRelay(new URL(kinesis.endpoint));
  await relay.up();
  const client = kinesis.createClient();
  const streamName = uniqueStreamName('efo-cut');
  await kinesis.createStream(streamName, 1);
  const data = Array.from({ length: 30 }, (_, i) => `${i}:${'x'.repeat(2000)}`);
  await putRecords(client, streamName, data);
  relay.cutAfter(marker);
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'cut', {
      endpoint: relay.endpoint,
      checkpointer: new MemoryCheckpointer(),
    }),
  );
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const events: ConsumerEvent[] = [];
  const subscriptions = [
    consumer.events$.subscribe((event) => events.push(event)),
    consumer.subscribe({ next: (record) => records.push(record), error: (error) => errors.push(error) }),
  ];
  try {
    await waitFor(() => records.length >= data.length || errors.length > 0, {
      timeoutMs: 60_000,
      message: () => `read ${records.length} of ${data.length}`,
    });
    expect(errors).toEqual([]);
    expect(relay.cuts).toBe(1);
    const retried = events.flatMap((event) => (event.type === 'error-retried' ? [event.error] : []));
    expect(retried).toEqual([expect.any(ConnectionError)]);
    expect(retried[0]?.message).toMatch(/^Truncated event message/);
    expect(records.map(text)).toEqual(data);
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await consumer.stopped();
    await relay.down();
    client.destroy();
  }
});

// A subscription cut inside its first event every time delivers no event, so nothing resets the
// count: the consumer fails after `retryLimit` retries, naming the truncation, instead of
// subscribing again for ever (as a server that ends every answer inside a message would make it).
test('a connection cut inside every first event fails after retryLimit retries', async () => {
  const relay = new CuttingRelay(new URL(kinesis.endpoint));
  await relay.up();
  const client = kinesis.createClient();
  const streamName = uniqueStreamName('efo-cut-every');
  await kinesis.createStream(streamName, 1);
  await putRecords(client, streamName, ['a', 'b', 'c']);
  relay.cutAfter('SubscribeToShardEvent', { every: true });
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'cut-every', {
      endpoint: relay.endpoint,
      checkpointer: new MemoryCheckpointer(),
      retryLimit: 2,
      expoBackoff: 10,
    }),
  );
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const subscription = consumer.subscribe({
    next: (record) => records.push(record),
    error: (error) => errors.push(error),
  });
  try {
    await waitFor(() => errors.length > 0, { timeoutMs: 60_000, message: () => `${relay.cuts} cuts` });
    expect(errors).toEqual([expect.any(RetryLimitExceededError)]);
    expect((errors[0] as Error).message).toMatch(/failed 3 times: Truncated event message received/);
    expect(relay.cuts).toBe(3);
    expect(records).toEqual([]);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    await relay.down();
    client.destroy();
  }
});
