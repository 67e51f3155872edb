// Case: a slow subscriber must not let the consumer read the stream into memory. With
// ackOnEmit: false (the documented way to bound a pipeline whose work is asynchronous), a record
// stays in flight until checkpoint() passed it, so what was read and not yet processed never
// exceeds maxQueueSize. And one KPL "bomb" (a 1 MiB record holding ~150,000 items) is counted in
// items and emitted by deserialize() as the pipeline takes its items, never all at once.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { concatMap, firstValueFrom, map, of, take, timer, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  kplAggregator,
  kplJsonProcessor,
  MemoryCheckpointer,
  type KinesisItem,
} from '../../../src/index.js';
import { numberedRecords, putTestRecords } from '../../consumer/putTestRecords.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

const connection = () => pollingConnection(kinesis);

test('ackOnEmit: false bounds a slow pipeline: read and not yet processed never exceeds maxQueueSize', async () => {
  const streamName = uniqueStreamName('bounded');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  // 4,000 records of ~1 KiB: JSON strings.
  const pad = 'x'.repeat(1000);
  await putTestRecords(
    client,
    streamName,
    numberedRecords(4000).map((r) => ({ ...r, data: JSON.stringify(`${r.data}:${pad}`) })),
  );
  client.destroy();
  const maxQueueSize = 200;
  const consumer = fromKinesis({ streamName, ...connection(), ackOnEmit: false, maxQueueSize });
  let processed = 0;
  let maxAhead = 0;
  const read = () => consumer.stats().shards.reduce((sum, shard) => sum + shard.records, 0);
  const items = await firstValueFrom(
    consumer.pipe(
      deserialize<string>(),
      // 1 ms of work per item: reading is far faster than processing.
      concatMap((item) => timer(1).pipe(map(() => item))),
      map((item) => {
        processed += 1;
        maxAhead = Math.max(maxAhead, read() - processed);
        return item;
      }),
      checkpoint({ batchSize: 50 }),
      take(600),
      toArray(),
    ),
  );
  const stats = consumer.stats();
  await consumer.stopped();
  expect(items).toHaveLength(600);
  expect(maxAhead).toBeLessThanOrEqual(maxQueueSize);
  expect(stats.peakInFlight).toBeLessThanOrEqual(maxQueueSize);
  // Of 4,000 records, only what was processed plus the budget was ever read.
  expect(stats.shards.reduce((sum, shard) => sum + shard.records, 0)).toBeLessThanOrEqual(600 + maxQueueSize);
});

test('a KPL bomb (one 1 MiB record of ~150,000 items) is counted in items and emitted as the pipeline takes them', async () => {
  const streamName = uniqueStreamName('kpl-bomb');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  // Pack tiny items into one KPL record until it is full.
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  let bomb: ReturnType<typeof accumulator.add>;
  for (let i = 0; bomb === undefined; i += 1)
    bomb = accumulator.add({ data: Buffer.from('1'), partitionKey: 'k' });
  expect(bomb.itemCount).toBeGreaterThan(100_000);
  await client.send(
    new PutRecordCommand({ StreamName: streamName, PartitionKey: bomb.partitionKey, Data: bomb.data }),
  );
  client.destroy();

  const maxItemsAhead = 1000;
  const consumer = fromKinesis({
    streamName,
    ...connection(),
    processor: kplJsonProcessor(),
    checkpointer: new MemoryCheckpointer(),
    maxQueueItems: 10_000,
  });
  let emitted = 0;
  let processed = 0;
  let maxOutstanding = 0;
  let maxItemsInFlight = 0;
  const count = bomb.itemCount;
  const done = await firstValueFrom(
    consumer.pipe(
      deserialize<number>({ maxItemsAhead }),
      map((item: KinesisItem<number>) => {
        emitted += 1;
        maxOutstanding = Math.max(maxOutstanding, emitted - processed);
        return item;
      }),
      // Asynchronous work: every 500th item waits for a timer, the rest go on at once.
      concatMap((item) => (item.subSequenceNumber % 500 === 0 ? timer(1).pipe(map(() => item)) : of(item))),
      map((item) => {
        processed += 1;
        if (processed % 1000 === 0)
          maxItemsInFlight = Math.max(maxItemsInFlight, consumer.stats().inFlightItems);
        return item;
      }),
      checkpoint({ batchSize: 10_000 }),
      take(count),
      toArray(),
    ),
  );
  await consumer.stopped();
  expect(done).toHaveLength(count);
  expect(done.at(-1)?.subSequenceNumber).toBe(count - 1);
  // deserialize() never ran more than its window ahead of the pipeline...
  expect(maxOutstanding).toBeLessThanOrEqual(maxItemsAhead);
  // ...and the budget counted the record's items, not 1.
  expect(maxItemsInFlight).toBe(count);
});
