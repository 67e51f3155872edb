// Consumer-group behaviour that needs no second process: several fromKinesis() consumers in this
// process, each with its own RedisCheckpointer (its own connection, like separate workers).
import {
  DescribeStreamSummaryCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { Subscription } from 'rxjs';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { holdings } from './deliveryReport.js';
import { RecordFeed } from './recordFeed.js';
import { waitUntil } from './workerGroup.js';

let kinesis: TestKinesis;
let redis: TestRedis;
let client: KinesisClient;
const subscriptions: Subscription[] = [];
const checkpointers: RedisCheckpointer[] = [];
const consumers: KinesisConsumerObservable[] = [];

beforeAll(async () => {
  kinesis = await startTestKinesis();
  redis = await startTestRedis();
  client = kinesis.createClient();
});

afterEach(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stopped()));
  await Promise.all(checkpointers.splice(0).map((checkpointer) => checkpointer.close()));
});

afterAll(async () => {
  client.destroy();
  await kinesis.close();
  await redis.close();
});

interface Member {
  readonly checkpointer: RedisCheckpointer;
  readonly events: { readonly at: number; readonly event: ConsumerEvent }[];
  readonly records: { readonly at: number; readonly shardId: string; readonly data: string }[];
}

function join(
  streamName: string,
  keyPrefix: string,
  workerId: string,
  options: { maxShardConsumers?: number; sessionTimeout: number; heartbeatInterval: number },
): Member {
  const checkpointer = new RedisCheckpointer({
    redis: redis.url,
    name: 'in-process',
    keyPrefix,
    sessionTimeout: options.sessionTimeout,
    heartbeatInterval: options.heartbeatInterval,
  });
  checkpointers.push(checkpointer);
  const consumer = fromKinesis({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    workerId,
    sleepTimeNoRecords: 100,
    shardFetchRate: 5,
    ...(options.maxShardConsumers === undefined ? {} : { maxShardConsumers: options.maxShardConsumers }),
  });
  consumers.push(consumer);
  const member: Member = { checkpointer, events: [], records: [] };
  subscriptions.push(consumer.events$.subscribe((event) => member.events.push({ at: Date.now(), event })));
  subscriptions.push(
    consumer.pipe(checkpoint(checkpointer, { batchSize: 10, intervalMs: 100 })).subscribe((record) =>
      member.records.push({
        at: Date.now(),
        shardId: record.shardId,
        data: Buffer.from(record.data).toString(),
      }),
    ),
  );
  return member;
}

describe('consumer group in one process', () => {
  it('never holds more than maxShardConsumers: the shards beyond wait for another worker', async () => {
    const streamName = uniqueStreamName('group-max');
    await kinesis.createStream(streamName, 6);
    const keyPrefix = uniqueKeyPrefix('group-max');
    // A 6 s session (its Redis calls get 3 s): a loaded machine's slow Redis answers neither fail the
    // test's own lease listing nor cost a worker its leases.
    const timing = { sessionTimeout: 6000, heartbeatInterval: 500, maxShardConsumers: 2 };
    const a = join(streamName, keyPrefix, 'a', timing);
    const b = join(streamName, keyPrefix, 'b', timing);
    let held = new Map<string, string[]>();
    const look = async () => {
      held = holdings(await a.checkpointer.leaseSnapshot(streamName));
      return held;
    };
    await waitUntil(
      async () => (await look()).get('a')?.length === 2 && held.get('b')?.length === 2,
      15_000,
      () => JSON.stringify([...held]),
    );
    // Two more heartbeats: still 2 + 2, the other 2 shards free.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect([...(await look()).values()].map((shards) => shards.length).sort()).toEqual([2, 2]);
    for (const member of [a, b]) {
      const rebalance = member.events.filter(({ event }) => event.type === 'rebalance').at(-1)?.event;
      expect(rebalance).toMatchObject({ type: 'rebalance', target: 2 });
    }

    join(streamName, keyPrefix, 'c', { sessionTimeout: 6000, heartbeatInterval: 500 });
    await waitUntil(
      async () => (await look()).get('c')?.length === 2,
      15_000,
      () => JSON.stringify([...held]),
    );
    expect(held.get('a')).toHaveLength(2);
    expect(held.get('b')).toHaveLength(2);
  }, 90_000);

  it('loses its leases when the event loop stalls past their deadline, reads nothing more from them, then takes them back', async () => {
    const streamName = uniqueStreamName('group-stall');
    await kinesis.createStream(streamName, 2);
    const feed = new RecordFeed(client, streamName);
    await feed.put(20);
    // Two seconds: a shorter session lets a loaded machine's slow Redis answers cost the leases
    // before the stall does.
    const sessionTimeout = 2000;
    const member = join(streamName, uniqueKeyPrefix('group-stall'), 'solo', {
      sessionTimeout,
      heartbeatInterval: 250,
    });
    const acquired = () => member.events.filter(({ event }) => event.type === 'lease-acquired').length;
    await waitUntil(
      () => acquired() === 2 && member.records.length >= 20,
      15_000,
      () => `${acquired()} leases, ${member.records.length} records`,
    );
    feed.start(4, 50);
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Block the event loop for longer than a lease lasts.
    const stallEnd = Date.now() + sessionTimeout + 500;
    while (Date.now() < stallEnd) {
      // busy: no timer, no I/O callback runs
    }
    const resumedAt = Date.now();
    await waitUntil(
      () => member.events.filter(({ event }) => event.type === 'lease-lost').length === 2,
      5000,
      () => `events: ${member.events.map(({ event }) => event.type).join(', ')}`,
    );
    // Each shard's first news after the stall is the loss of its lease, before any record.
    for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
      const lost = member.events.find(
        ({ at, event }) => at >= resumedAt && event.type === 'lease-lost' && event.shardId === shardId,
      );
      expect(lost).toBeDefined();
      const firstRecord = member.records.find(
        (record) => record.at >= resumedAt && record.shardId === shardId,
      );
      const reacquired = member.events.find(
        ({ at, event }) => at >= resumedAt && event.type === 'lease-acquired' && event.shardId === shardId,
      );
      if (firstRecord !== undefined) {
        expect(reacquired).toBeDefined();
        expect(firstRecord.at).toBeGreaterThanOrEqual(reacquired?.at ?? Infinity);
      }
    }
    // It keeps going: both leases taken back and reading resumes.
    await waitUntil(
      () => acquired() === 4,
      10_000,
      () => `events: ${member.events.map(({ event }) => event.type).join(', ')}`,
    );
    await feed.stop();
  }, 90_000);

  it('follows resharding across workers: a child starts only after its parents ended, wherever they were read', async () => {
    const streamName = uniqueStreamName('group-reshard');
    await kinesis.createStream(streamName, 2);
    const keyPrefix = uniqueKeyPrefix('group-reshard');
    // A 6 s session (its Redis calls get 3 s): a loaded machine's slow Redis answers do not cost a
    // worker its leases (a parent read again by another worker would end twice).
    const timing = { sessionTimeout: 6000, heartbeatInterval: 500 };
    const members = [join(streamName, keyPrefix, 'a', timing), join(streamName, keyPrefix, 'b', timing)];
    const feed = new RecordFeed(client, streamName);
    const active = async () => {
      for (;;) {
        const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
        if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await feed.put(100);
    await client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 126n).toString(),
      }),
    );
    await active();
    await feed.put(100);
    await client.send(
      new MergeShardsCommand({
        StreamName: streamName,
        ShardToMerge: 'shardId-000000000003',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await active();
    await feed.put(100);

    const seen = () => new Set(members.flatMap((member) => member.records.map((record) => record.data)));
    await waitUntil(
      () => feed.produced.every((record) => seen().has(JSON.stringify({ id: record.id }))),
      30_000,
      () => `${seen().size} of ${feed.produced.length} records seen`,
    );
    const events = members.flatMap((member) => member.events);
    const at = (type: string, shardId: string) =>
      events.filter(({ event }) => event.type === type && 'shardId' in event && event.shardId === shardId);
    const lineage: Record<string, string[]> = {
      'shardId-000000000002': ['shardId-000000000000'],
      'shardId-000000000003': ['shardId-000000000000'],
      'shardId-000000000004': ['shardId-000000000003', 'shardId-000000000001'],
    };
    for (const [child, parents] of Object.entries(lineage)) {
      const started = at('shard-started', child);
      expect(started.length).toBeGreaterThan(0);
      for (const parent of parents) {
        const ended = at('shard-ended', parent);
        expect(ended).toHaveLength(1);
        for (const start of started) expect(start.at).toBeGreaterThanOrEqual(ended[0]?.at ?? Infinity);
      }
    }
  }, 60_000);
});
