import { concatMap, firstValueFrom, map, take, timer, toArray } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { numberedRecords, putTestRecords } from '../consumer/putTestRecords.js';

jest.setTimeout(90_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis();
});
afterAll(async () => {
  jest.restoreAllMocks();
  await kinesis.close();
});

const text = (record: KinesisRecord) => Buffer.from(record.data).toString();
const connection = () => ({
  endpoint: kinesis.endpoint,
  region: kinesis.region,
  credentials: kinesis.credentials,
});

test('an expired iterator is renewed from the last emitted record, without loss or repeat', async () => {
  const streamName = uniqueStreamName('expiry');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putTestRecords(client, streamName, numberedRecords(20, 1));
  const realNow = Date.now.bind(Date);
  let offset = 0;
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  try {
    const consumer = fromKinesis({
      streamName,
      ...connection(),
      recordLimit: 5,
      shardFetchRate: 5,
      sleepTimeNoRecords: 20,
      // Leases are judged by their local deadline (scheduler clock, here the faked Date.now): the
      // lease must outlast the 301 s jump, or the shard is (rightly) given up and read again.
      checkpointer: new MemoryCheckpointer({ now: realNow, leaseDurationMs: 600_000 }),
    });
    const events: ConsumerEvent[] = [];
    consumer.events$.subscribe((e) => events.push(e));
    const records = await firstValueFrom(
      consumer.pipe(
        map((record, index) => {
          // After the first page, let the shard iterator age past its 5 minutes.
          if (index === 4) offset += 301_000;
          return record;
        }),
        take(20),
        toArray(),
      ),
    );
    expect(records.map(text)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    const renewed = events.filter((e) => e.type === 'iterator-renewed');
    expect(renewed).toHaveLength(1);
    expect(renewed[0]).toMatchObject({ afterSequenceNumber: records[4]?.sequenceNumber });
    await consumer.stopped();
  } finally {
    spy.mockRestore();
    client.destroy();
  }
});

test('a slow subscriber holds at most maxQueueSize records in flight over a 50,000-record backlog', async () => {
  const streamName = uniqueStreamName('backpressure');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  const all = numberedRecords(50_000, 256);
  await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      putTestRecords(client, streamName, all.slice(i * 10_000, (i + 1) * 10_000)),
    ),
  );
  const maxQueueSize = 500;
  const consumer = fromKinesis({
    streamName,
    ...connection(),
    maxQueueSize,
    shardFetchRate: 5,
    sleepTimeNoRecords: 20,
  });
  let processed = 0;
  let maxSeen = 0;
  let maxReadAhead = 0;
  const sampler = setInterval(() => {
    const stats = consumer.stats();
    maxSeen = Math.max(maxSeen, stats.inFlight);
    const read = stats.shards.reduce((sum, shard) => sum + shard.records, 0);
    maxReadAhead = Math.max(maxReadAhead, read - processed);
  }, 5);
  const heapBefore = process.memoryUsage().heapUsed;
  // 10 ms per record: 300 records take ~3 s, long enough to sit at the bound under pressure.
  await firstValueFrom(
    consumer.pipe(
      concatMap((record) => timer(10).pipe(map(() => record))),
      checkpoint(),
      map(() => (processed += 1)),
      take(300),
      toArray(),
    ),
  );
  clearInterval(sampler);
  const stats = consumer.stats();
  await consumer.stopped();
  expect(maxSeen).toBeGreaterThanOrEqual(maxQueueSize * 0.9);
  expect(maxSeen).toBeLessThanOrEqual(maxQueueSize);
  expect(stats.peakInFlight).toBeLessThanOrEqual(maxQueueSize);
  expect(maxReadAhead).toBeLessThanOrEqual(maxQueueSize + 1);
  // Of a 50,000-record backlog, only what was processed plus the queue was ever read.
  expect(stats.shards.reduce((sum, shard) => sum + shard.records, 0)).toBeLessThanOrEqual(
    300 + maxQueueSize + 1,
  );
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  client.destroy();
  // Writing the 50,000-record backlog alone can take a minute on a loaded machine.
}, 240_000);
