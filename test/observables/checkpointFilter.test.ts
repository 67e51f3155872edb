import { DescribeStreamSummaryCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { concatMap, firstValueFrom, from, of, take, toArray } from 'rxjs';
import type { CheckpointPosition } from '../../src/checkpointers/Checkpointer.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisItem } from '../../src/consumer/KinesisItem.js';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { checkpointFilter } from '../../src/operators/checkpointFilter.js';
import { deserialize } from '../../src/operators/deserialize.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { numberedRecords, putTestRecords } from '../consumer/putTestRecords.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis();
});
afterAll(async () => {
  await kinesis.close();
});

const connection = () => ({
  endpoint: kinesis.endpoint,
  region: kinesis.region,
  credentials: kinesis.credentials,
  shardFetchRate: 5,
  sleepTimeNoRecords: 20,
  shardRefreshInterval: 200,
});

async function waitActive(client: KinesisClient, streamName: string): Promise<void> {
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

test('records dropped at the end of a split parent no longer hold SHARD_END: the children are read', async () => {
  const streamName = uniqueStreamName('cpfilter-split');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  // 0..29 in the parent; 20..29 (its last records) are dropped. 30..59 go to the children.
  await putTestRecords(client, streamName, numberedRecords(30, 8, 0));
  await client.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (2n ** 127n).toString(),
    }),
  );
  await waitActive(client, streamName);
  await putTestRecords(client, streamName, numberedRecords(30, 8, 30));

  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...connection(), checkpointer });
  const events: ConsumerEvent[] = [];
  consumer.events$.subscribe((e) => events.push(e));
  const items = await firstValueFrom(
    consumer.pipe(
      deserialize<number>(),
      checkpointFilter((item: KinesisItem<number>) => item.data < 20 || item.data >= 30),
      concatMap((item) => of(item)),
      checkpoint({ batchSize: 5 }),
      take(50),
      toArray(),
    ),
  );
  await consumer.stopped();
  client.destroy();

  const values = items.map((item) => item.data);
  expect(new Set(values)).toEqual(
    new Set([...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 30 }, (_, i) => 30 + i)]),
  );
  expect(
    items.filter((item) => item.data >= 30).every((item) => item.shardId !== 'shardId-000000000000'),
  ).toBe(true);
  expect(await checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).toEqual({ kind: 'shard-end' });
  expect(events).toContainEqual(
    expect.objectContaining({ type: 'shard-ended', shardId: 'shardId-000000000000' }),
  );
  const children = events.filter((e) => e.type === 'shard-started' && e.shardId !== 'shardId-000000000000');
  expect(children.length).toBe(2);
});

test('a slow concatMap after checkpointFilter never gets a checkpoint written ahead of its unfinished item', async () => {
  const streamName = uniqueStreamName('cpfilter-slow');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const sequenceNumbers = await putTestRecords(client, streamName, numberedRecords(10, 1, 0));
  client.destroy();

  const consumer = fromKinesis({ streamName, ...connection() });
  const written: CheckpointPosition[] = [];
  consumer.events$.subscribe((e) => {
    if (e.type === 'checkpoint-written' && e.position !== 'SHARD_END') written.push(e.position);
  });
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  const result = firstValueFrom(
    consumer.pipe(
      deserialize<number>(),
      // 5..9 are dropped at once, while 4 is still being handled.
      checkpointFilter((item: KinesisItem<number>) => item.data < 5),
      concatMap((item) => {
        if (item.data !== 4) return of(item);
        holding = true;
        return from(held.then(() => item));
      }),
      checkpoint({ batchSize: 1 }),
      take(5),
      toArray(),
    ),
  );
  await until(() => holding && consumer.stats().shards.some((s) => s.records === 10));
  await until(() => written.length > 0 && written.at(-1)?.sequenceNumber === sequenceNumbers[3]);
  // Give a wrong write (past the held item) time to happen.
  await new Promise((r) => setTimeout(r, 300));
  for (const position of written)
    expect(compareSequenceNumbers(position.sequenceNumber, sequenceNumbers[3] as string)).toBeLessThanOrEqual(
      0,
    );
  expect(consumer.stats().shards[0]?.inFlight).toBe(6);

  release();
  const items = await result;
  await consumer.stopped();
  expect(items.map((item) => item.data)).toEqual([0, 1, 2, 3, 4]);
  // Once 4 is done, the dropped 5..9 no longer hold the position.
  expect(written.at(-1)).toEqual({ sequenceNumber: sequenceNumbers[9] });
});
