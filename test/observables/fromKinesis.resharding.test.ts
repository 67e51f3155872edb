import {
  DescribeStreamSummaryCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { firstValueFrom, take, toArray, Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
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

const text = (record: KinesisRecord) => Buffer.from(record.data).toString();

async function waitActive(client: KinesisClient, streamName: string): Promise<void> {
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** 2 shards; writes 300, splits shard 0 into 2 and 3, writes 300, merges 3 with 1 into 4, writes 300. */
async function produceWithResharding(client: KinesisClient, streamName: string): Promise<void> {
  await putTestRecords(client, streamName, numberedRecords(300, 64, 0));
  await client.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (2n ** 126n).toString(),
    }),
  );
  await waitActive(client, streamName);
  await putTestRecords(client, streamName, numberedRecords(300, 64, 300));
  await client.send(
    new MergeShardsCommand({
      StreamName: streamName,
      ShardToMerge: 'shardId-000000000003',
      AdjacentShardToMerge: 'shardId-000000000001',
    }),
  );
  await waitActive(client, streamName);
  await putTestRecords(client, streamName, numberedRecords(300, 64, 600));
}

const PARENTS: Record<string, string[]> = {
  'shardId-000000000002': ['shardId-000000000000'],
  'shardId-000000000003': ['shardId-000000000000'],
  'shardId-000000000004': ['shardId-000000000003', 'shardId-000000000001'],
};

function expectLineageOrder(records: readonly KinesisRecord[]): void {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  records.forEach((record, index) => {
    if (!first.has(record.shardId)) first.set(record.shardId, index);
    last.set(record.shardId, index);
  });
  for (const [child, parents] of Object.entries(PARENTS)) {
    const childFirst = first.get(child);
    if (childFirst === undefined) continue;
    for (const parent of parents) {
      const parentLast = last.get(parent);
      if (parentLast !== undefined) expect(childFirst).toBeGreaterThan(parentLast);
    }
  }
}

function expectPerKeyOrder(records: readonly KinesisRecord[]): void {
  const byKey = new Map<string, number>();
  for (const record of records) {
    const value = Number(text(record));
    expect(value).toBeGreaterThan(byKey.get(record.partitionKey) ?? -1);
    byKey.set(record.partitionKey, value);
  }
}

describe('fromKinesis follows splits and merges', () => {
  test('every record arrives once, parents before children, per-key order across the lineage', async () => {
    const streamName = uniqueStreamName('reshard');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    const consumer = fromKinesis({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      shardFetchRate: 5,
      sleepTimeNoRecords: 20,
      shardRefreshInterval: 200,
    });
    const events: ConsumerEvent[] = [];
    consumer.events$.subscribe((e) => events.push(e));
    const result = firstValueFrom(consumer.pipe(checkpoint({ batchSize: 10 }), take(900), toArray()));
    await produceWithResharding(client, streamName);
    const records = await result;
    await consumer.stopped();
    expect(new Set(records.map(text)).size).toBe(900);
    expect(new Set(records.map((r) => r.shardId))).toEqual(
      new Set([
        'shardId-000000000000',
        'shardId-000000000001',
        'shardId-000000000002',
        'shardId-000000000003',
        'shardId-000000000004',
      ]),
    );
    expectLineageOrder(records);
    expectPerKeyOrder(records);
    const ended = events
      .filter((e) => e.type === 'shard-ended')
      .map((e) => (e as { shardId: string }).shardId);
    expect(ended).toEqual(
      expect.arrayContaining(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000003']),
    );
    const childStart = events.find((e) => e.type === 'shard-started' && e.shardId === 'shardId-000000000004');
    expect(childStart).toMatchObject({
      parentShardIds: ['shardId-000000000003', 'shardId-000000000001'],
      start: { origin: 'parent' },
    });
    client.destroy();
  });

  test('a restart between a parent end and its children start loses and repeats nothing', async () => {
    const streamName = uniqueStreamName('reshard-restart');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    await produceWithResharding(client, streamName);
    const checkpointer = new MemoryCheckpointer();
    const options = {
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      shardFetchRate: 5,
      sleepTimeNoRecords: 20,
      shardRefreshInterval: 200,
      checkpointer,
    };
    // Run 1: stop as soon as shard 0 has ended (SHARD_END written), before its children start.
    const run1 = fromKinesis({ ...options, maxShardConsumers: 1 });
    const first: KinesisRecord[] = [];
    const subscription = new Subscription();
    subscription.add(
      run1.events$.subscribe((event) => {
        if (event.type === 'shard-ended') subscription.unsubscribe();
      }),
    );
    const done = new Promise<void>((resolve) => subscription.add(resolve));
    subscription.add(run1.pipe(checkpoint()).subscribe((r) => first.push(r)));
    await done;
    await run1.stopped();
    expect(first.length).toBeGreaterThan(0);
    expect(new Set(first.map((r) => r.shardId))).toEqual(new Set(['shardId-000000000000']));
    expect(await checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).toEqual({
      kind: 'shard-end',
    });

    const run2 = fromKinesis(options);
    const second = await firstValueFrom(run2.pipe(checkpoint(), take(900 - first.length), toArray()));
    await run2.stopped();
    const all = [...first, ...second];
    expect(new Set(all.map(text)).size).toBe(900);
    expect(second.some((r) => r.shardId === 'shardId-000000000000')).toBe(false);
    expectLineageOrder(all);
    expectPerKeyOrder(all);
    client.destroy();
  });

  test('AT_TIMESTAMP after a split: children of parents read from that time start at it, not at their first record', async () => {
    const streamName = uniqueStreamName('reshard-timestamp');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, numberedRecords(50, 8, 0));
    await client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await waitActive(client, streamName);
    // Records 50..99 go to the children before the time asked for, 100..149 after it.
    await putTestRecords(client, streamName, numberedRecords(50, 8, 50));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const timestamp = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await putTestRecords(client, streamName, numberedRecords(50, 8, 100));
    const consumer = fromKinesis({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      checkpointer: new MemoryCheckpointer(),
      iteratorType: 'AT_TIMESTAMP',
      timestamp,
      shardFetchRate: 5,
      sleepTimeNoRecords: 20,
      shardRefreshInterval: 200,
    });
    const events: ConsumerEvent[] = [];
    consumer.events$.subscribe((e) => events.push(e));
    const records = await firstValueFrom(consumer.pipe(checkpoint({ batchSize: 10 }), take(50), toArray()));
    await consumer.stopped();
    expect(records.map((r) => Number(text(r))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => 100 + i),
    );
    const childStart = events.find((e) => e.type === 'shard-started' && e.shardId === 'shardId-000000000001');
    expect(childStart).toMatchObject({ start: { iteratorType: 'AT_TIMESTAMP', origin: 'parent' } });
    client.destroy();
  });

  test('AT_TIMESTAMP on a restart after a split: children of a parent an earlier run read start at TRIM_HORIZON', async () => {
    const streamName = uniqueStreamName('reshard-timestamp-restart');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, numberedRecords(10, 8, 0));
    const checkpointer = new MemoryCheckpointer();
    const options = {
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      checkpointer,
      shardFetchRate: 5,
      sleepTimeNoRecords: 20,
      shardRefreshInterval: 200,
    };
    const run1 = fromKinesis(options);
    await firstValueFrom(run1.pipe(checkpoint(), take(10), toArray()));
    await run1.stopped();
    await client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await waitActive(client, streamName);
    await putTestRecords(client, streamName, numberedRecords(20, 8, 10));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // A start time computed at each start ("from now on" for a new group) comes after those 20.
    const run2 = fromKinesis({ ...options, iteratorType: 'AT_TIMESTAMP', timestamp: Date.now() });
    const records = await firstValueFrom(run2.pipe(checkpoint(), take(20), toArray()));
    await run2.stopped();
    expect(records.map((r) => Number(text(r))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => 10 + i),
    );
    client.destroy();
  });
});
