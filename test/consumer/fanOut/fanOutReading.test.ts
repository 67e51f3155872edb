// fromKinesis() with enhanced fan-out against the embedded local Kinesis (its real EFO API over
// HTTP/2): registration, every start position, checkpoints, resharding, two applications.
import {
  DescribeStreamSummaryCommand,
  MergeShardsCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import { StreamConsumerNotActiveError } from '../../../src/consumer/errors/StreamConsumerNotActiveError.js';
import type { KinesisItem } from '../../../src/consumer/KinesisItem.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { deserialize } from '../../../src/operators/deserialize.js';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator.js';
import { kplJsonProcessor } from '../../../src/processors/namedProcessors.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  ProcessedLedger,
  putRecords,
  numbers,
  waitActive,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';
import {
  fanOutOptions,
  fromKinesis,
  readCount,
  startFanOutKinesis,
  streamConsumers,
  text,
} from './fanOutSupport.js';

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

async function streamArn(streamName: string): Promise<string> {
  const output = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  return output.StreamDescriptionSummary?.StreamARN ?? '';
}

test('registers a missing consumer, reads everything once, never checkpoints ahead, and leaves the consumer registered', async () => {
  const streamName = uniqueStreamName('efo');
  await kinesis.createStream(streamName, 3);
  const written = await putRecords(client, streamName, numbers(600));
  const ledger = new ProcessedLedger();
  const spy = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => ledger.snapshot(shardId),
  });
  const consumer = fromKinesis(fanOutOptions(kinesis, streamName, 'billing', { checkpointer: spy }));
  const events: ConsumerEvent[] = [];
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  const records = await lastValueFrom(
    consumer.pipe(
      map((record) => {
        ledger.add(record.shardId, record.sequenceNumber);
        return record;
      }),
      checkpoint({ batchSize: 25 }),
      take(600),
      toArray(),
    ),
  );
  await consumer.stopped();
  eventSubscription.unsubscribe();
  // Read over SubscribeToShard, not GetRecords; stopped() closed every subscription.
  expect(kinesis.stats.fanOutSubscriptions).toBeGreaterThanOrEqual(3);
  await waitFor(() => kinesis.subscriptions({ streamName }).length === 0, {
    // The server sees the closed streams late on a loaded machine.
    timeoutMs: 10_000,
    message: () => `${kinesis.subscriptions({ streamName }).length} subscription(s) open after stopped()`,
  });
  expect(kinesis.stats.fanOutRecords).toBeGreaterThanOrEqual(600);
  expect(records.map(text).sort()).toEqual(numbers(600).sort());
  expect(new Set(records.map((record) => `${record.shardId}/${record.sequenceNumber}`)).size).toBe(600);
  expect(spy.writes.length).toBeGreaterThan(0);
  expect(writesAheadOfProcessing(spy.writes, written)).toEqual([]);
  expect(events.filter((event) => event.type === 'shard-started')).toHaveLength(3);
  const consumers = await streamConsumers(client, await streamArn(streamName));
  expect(consumers.map((c) => [c.ConsumerName, c.ConsumerStatus])).toEqual([['billing', 'ACTIVE']]);

  // A second run as the same consumer reuses it and resumes from the checkpoints.
  await putRecords(client, streamName, numbers(30, 600));
  const again = await readCount(
    fromKinesis(fanOutOptions(kinesis, streamName, 'billing', { checkpointer: spy })),
    30,
  );
  expect(again.map(text).sort()).toEqual(numbers(30, 600).sort());
  expect(await streamConsumers(client, await streamArn(streamName))).toHaveLength(1);
});

test('every start position: LATEST, AT_TIMESTAMP, AT_ and AFTER_SEQUENCE_NUMBER', async () => {
  const streamName = uniqueStreamName('efo-start');
  await kinesis.createStream(streamName, 1);
  const first = await putRecords(client, streamName, numbers(10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const between = new Date();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await putRecords(client, streamName, numbers(10, 10));
  const fifth = first[4]?.sequenceNumber ?? '';

  const atTimestamp = await readCount(
    fromKinesis(
      fanOutOptions(kinesis, streamName, 'ts', { iteratorType: 'AT_TIMESTAMP', timestamp: between }),
    ),
    10,
  );
  expect(atTimestamp.map(text)).toEqual(numbers(10, 10));
  const atSequence = await readCount(
    fromKinesis(
      fanOutOptions(kinesis, streamName, 'at', { iteratorType: 'AT_SEQUENCE_NUMBER', sequenceNumber: fifth }),
    ),
    16,
  );
  expect(atSequence.map(text)).toEqual(numbers(16, 4));
  const afterSequence = await readCount(
    fromKinesis(
      fanOutOptions(kinesis, streamName, 'after', {
        iteratorType: 'AFTER_SEQUENCE_NUMBER',
        sequenceNumber: fifth,
      }),
    ),
    15,
  );
  expect(afterSequence.map(text)).toEqual(numbers(15, 5));

  const latest = fromKinesis(fanOutOptions(kinesis, streamName, 'latest', { iteratorType: 'LATEST' }));
  const started = firstValueFrom(latest.events$.pipe(take(1)));
  const read = lastValueFrom(latest.pipe(checkpoint(), take(5), toArray()));
  await started;
  // Give the subscription time to open before writing.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await putRecords(client, streamName, numbers(5, 100));
  expect((await read).map(text)).toEqual(numbers(5, 100));
  await latest.stopped();
});

test('resumes inside a KPL aggregated record: the items already checkpointed are skipped', async () => {
  const streamName = uniqueStreamName('efo-kpl');
  await kinesis.createStream(streamName, 1);
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  for (let i = 0; i < 10; i += 1)
    accumulator.add({ data: Buffer.from(JSON.stringify(i)), partitionKey: 'k' });
  const aggregate = accumulator.flush();
  if (aggregate === undefined) throw new Error('no aggregate');
  const put = await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: aggregate.partitionKey,
      Data: aggregate.data,
    }),
  );
  const checkpointer = new MemoryCheckpointer();
  const lease = await checkpointer.acquireLease(streamName, 'shardId-000000000000', 'seed');
  if (lease === undefined) throw new Error('no lease');
  await checkpointer.checkpoint(lease, { sequenceNumber: put.SequenceNumber ?? '', subSequenceNumber: 3 });
  await checkpointer.releaseLease(lease);

  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'kpl', { checkpointer, processor: kplJsonProcessor() }),
  );
  const items = await lastValueFrom(consumer.pipe(deserialize<number>(), checkpoint(), take(6), toArray()));
  await consumer.stopped();
  expect(items.map((item: KinesisItem<number>) => item.data)).toEqual([4, 5, 6, 7, 8, 9]);
  expect(items.map((item) => item.subSequenceNumber)).toEqual([4, 5, 6, 7, 8, 9]);
});

test('two applications (two consumer names) each read everything', async () => {
  const streamName = uniqueStreamName('efo-two');
  await kinesis.createStream(streamName, 2);
  await putRecords(client, streamName, numbers(200));
  const [a, b] = await Promise.all([
    readCount(fromKinesis(fanOutOptions(kinesis, streamName, 'app-a')), 200),
    readCount(fromKinesis(fanOutOptions(kinesis, streamName, 'app-b')), 200),
  ]);
  expect(a.map(text).sort()).toEqual(numbers(200).sort());
  expect(b.map(text).sort()).toEqual(numbers(200).sort());
  const names = (await streamConsumers(client, await streamArn(streamName)))
    .map((c) => c.ConsumerName)
    .sort();
  expect(names).toEqual(['app-a', 'app-b']);
});

test('a consumer given by ARN with deregisterOnStop: read, then deregistered once stopped', async () => {
  const streamName = uniqueStreamName('efo-arn');
  await kinesis.createStream(streamName, 1);
  const arn = await streamArn(streamName);
  const registered = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'by-arn' }),
  );
  const consumerArn = registered.Consumer?.ConsumerARN ?? '';
  await putRecords(client, streamName, numbers(20));
  const consumer = fromKinesis({
    ...fanOutOptions(kinesis, streamName, 'unused'),
    enhancedFanOut: { consumerArn },
    deregisterOnStop: true,
  });
  const records = await readCount(consumer, 20);
  expect(records.map(text)).toEqual(numbers(20));
  const left = await streamConsumers(client, arn);
  expect(left.filter((c) => c.ConsumerStatus === 'ACTIVE')).toEqual([]);
});

test('children start after their parents: a split and a merge, every record once, in lineage order', async () => {
  const streamName = uniqueStreamName('efo-reshard');
  await kinesis.createStream(streamName, 2);
  await putRecords(client, streamName, numbers(200));
  await client.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (2n ** 126n).toString(),
    }),
  );
  await waitActive(client, streamName);
  await putRecords(client, streamName, numbers(200, 200));
  await client.send(
    new MergeShardsCommand({
      StreamName: streamName,
      ShardToMerge: 'shardId-000000000003',
      AdjacentShardToMerge: 'shardId-000000000001',
    }),
  );
  await waitActive(client, streamName);
  await putRecords(client, streamName, numbers(200, 400));
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'lineage', {
      checkpointer: new MemoryCheckpointer(),
      shardRefreshInterval: 500,
    }),
  );
  const events: ConsumerEvent[] = [];
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  const records: KinesisRecord[] = await readCount(consumer, 600);
  eventSubscription.unsubscribe();
  expect(records.map(text).sort()).toEqual(numbers(600).sort());
  const parents: Record<string, string[]> = {
    'shardId-000000000002': ['shardId-000000000000'],
    'shardId-000000000003': ['shardId-000000000000'],
    'shardId-000000000004': ['shardId-000000000003', 'shardId-000000000001'],
  };
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  records.forEach((record, index) => {
    if (!first.has(record.shardId)) first.set(record.shardId, index);
    last.set(record.shardId, index);
  });
  for (const [child, of] of Object.entries(parents)) {
    for (const parent of of) expect(first.get(child) ?? 0).toBeGreaterThan(last.get(parent) ?? -1);
  }
  const ended = events
    .filter((event) => event.type === 'shard-ended')
    .map((event) => event.type === 'shard-ended' && event.shardId);
  expect(ended).toEqual(
    expect.arrayContaining(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000003']),
  );
});

test('a consumer that does not become ACTIVE in time errors with StreamConsumerNotActiveError', async () => {
  const slow = await startFanOutKinesis({ efo: { consumerStatusDelayMs: 10_000 } });
  try {
    const streamName = uniqueStreamName('efo-slow-active');
    await slow.createStream(streamName, 1);
    const consumer = fromKinesis({
      ...fanOutOptions(slow, streamName, 'late'),
      enhancedFanOut: { consumerName: 'late', activationTimeoutMs: 1500 },
    });
    const error = await lastValueFrom(consumer).catch((e: unknown) => e);
    await consumer.stopped();
    expect(error).toBeInstanceOf(StreamConsumerNotActiveError);
    expect(error).toMatchObject({ status: 'CREATING', retriable: true, context: { streamName } });
  } finally {
    await slow.close();
  }
});

test('subscriptions renewed at the end of their life (shortened to 1 s) lose and repeat nothing', async () => {
  const short = await startFanOutKinesis({
    limits: true,
    efo: { subscriptionLifetimeMs: 1000, idleEventIntervalMs: 200 },
  });
  const shortClient = short.createClient();
  try {
    const streamName = uniqueStreamName('efo-lifetime');
    await short.createStream(streamName, 1);
    const consumer = fromKinesis({
      ...fanOutOptions(short, streamName, 'renewing'),
      checkpointer: new MemoryCheckpointer(),
    });
    const events: ConsumerEvent[] = [];
    const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
    const read = lastValueFrom(consumer.pipe(checkpoint(), take(150), toArray()));
    for (let i = 0; i < 150; i += 10) {
      await putRecords(shortClient, streamName, numbers(10, i));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const records = await read;
    await consumer.stopped();
    eventSubscription.unsubscribe();
    expect(records.map(text)).toEqual(numbers(150));
    const renewals = events.filter((event) => event.type === 'subscription-renewed');
    expect(renewals.length).toBeGreaterThanOrEqual(2);
    expect(renewals.every((event) => event.type === 'subscription-renewed' && event.reason === 'ended')).toBe(
      true,
    );
    expect(short.stats.fanOutSubscriptions).toBeGreaterThanOrEqual(3);
  } finally {
    shortClient.destroy();
    await short.close();
  }
});
