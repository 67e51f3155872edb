import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

jest.setTimeout(60_000);

let local: LocalKinesis;
beforeAll(async () => {
  // One GetRecords call per second and shard, read at five: most calls are throttled.
  local = await startLocalKinesis({ limits: { getRecordsCallsPerSecond: 1 }, streams: { paced: 1 } });
});
afterAll(() => local.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('stats(): getRecordsCalls counts the calls answered, throttles the throttled ones (one event each)', async () => {
  const connection = {
    endpoint: local.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const consumer = fromKinesis({
    streamName: 'paced',
    ...connection,
    iteratorType: 'TRIM_HORIZON',
    shardFetchRate: 5,
    recordLimit: 10,
    sleepTimeNoRecords: 200,
  });
  const events: ConsumerEvent[] = [];
  const eventsSubscription = consumer.events$.subscribe((event) => events.push(event));
  const client = new KinesisClient(connection);
  await client.send(
    new PutRecordsCommand({
      StreamName: 'paced',
      Records: Array.from({ length: 40 }, (_, i) => ({ Data: Buffer.from(`${i}`), PartitionKey: `k${i}` })),
    }),
  );
  client.destroy();
  let received = 0;
  const subscription = consumer.pipe(checkpoint()).subscribe(() => (received += 1));
  while (received < 40) await sleep(100);
  await sleep(1_500);
  subscription.unsubscribe();
  await sleep(200);
  eventsSubscription.unsubscribe();

  const [shard] = consumer.stats().shards;
  const throttledEvents = events.filter((event) => event.type === 'throttled').length;
  expect(throttledEvents).toBeGreaterThan(0);
  expect(shard?.throttles).toBe(throttledEvents);
  // A call under way at the stop may have been throttled with its answer not heard.
  const serverThrottles = local.stats.throttledGetRecordsCalls + local.stats.throttledGetShardIteratorCalls;
  expect(shard?.throttles).toBeLessThanOrEqual(serverThrottles);
  expect(shard?.throttles).toBeGreaterThanOrEqual(serverThrottles - 1);
  // 40 records at 10 per page: at least 4 pages answered, one call a second at most.
  expect(shard?.getRecordsCalls).toBeGreaterThanOrEqual(4);
  expect(shard?.records).toBe(40);
});
