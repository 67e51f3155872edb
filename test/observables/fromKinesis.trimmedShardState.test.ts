import { MergeShardsCommand, PutRecordCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { Redis } from 'ioredis';
import { tap } from 'rxjs';
import type { Checkpointer } from '../../src/checkpointers/Checkpointer.js';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { untilActive } from '../local/untilActive.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { trimmingClient } from '../support/trimmingClient.js';

// A consumer group on a stream resharded again and again: once the closed shards are trimmed
// (past the retention, no longer listed), the group's store forgets them, and a restart resumes.

jest.setTimeout(180_000);

let kinesis: TestKinesis;
let redis: TestRedis;
let dynamo: TestDynamoDB;
beforeAll(async () => {
  [kinesis, redis, dynamo] = await Promise.all([startTestKinesis(), startTestRedis(), startTestDynamoDB()]);
});
afterAll(async () => {
  await Promise.all([kinesis.close(), redis.close(), dynamo.close()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (record: KinesisRecord) => Buffer.from(record.data).toString();
const shardName = (n: number) => `shardId-${String(n).padStart(12, '0')}`;

async function until(done: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A store under test: how to open a checkpointer on it, and what it holds besides listLeases. */
interface Store {
  open(): Checkpointer;
  /** Shards with any state in the store, counted in the store itself. */
  rawShardCount(streamName: string): Promise<number>;
  close(): Promise<void>;
}

const stores: Record<string, () => Store> = {
  Redis: () => {
    const keyPrefix = uniqueKeyPrefix();
    const inspect = new Redis(redis.url);
    return {
      open: () =>
        new RedisCheckpointer({ redis: redis.url, name: 'trimmed', keyPrefix, sessionTimeout: 3000 }),
      rawShardCount: async (streamName) => {
        const hashes = await inspect.keys(`${keyPrefix}*:shard:*`);
        const index = await inspect.scard(`${keyPrefix}{trimmed:${encodeURIComponent(streamName)}}:shards`);
        return Math.max(hashes.length, index);
      },
      close: async () => {
        inspect.disconnect();
      },
    };
  },
  DynamoDB: () => {
    const tableName = uniqueTableName();
    const open = () =>
      new DynamoDBCheckpointer({
        endpoint: dynamo.endpoint,
        region: dynamo.region,
        credentials: dynamo.credentials,
        tableName,
        failoverTimeMs: 3000,
      });
    const reader = open();
    return {
      open,
      rawShardCount: async (streamName) => (await reader.listLeases(streamName)).length,
      close: () => reader.close(),
    };
  },
};

test.each(Object.keys(stores))(
  '%s: a group keeps no state of shards trimmed after 6 split+merge cycles, and resumes after a restart',
  async (storeName) => {
    const store = stores[storeName]();
    const streamName = uniqueStreamName('trimmed-state');
    await kinesis.createStream(streamName, 1);
    const admin = kinesis.createClient();
    const trimmed = new Set<string>();
    const start = (checkpointer: Checkpointer, seen: string[]) => {
      const consumer = fromKinesis({
        streamName,
        client: trimmingClient(kinesis.createClient(), trimmed),
        checkpointer,
        iteratorType: 'TRIM_HORIZON',
        shardRefreshInterval: 100,
        sleepTimeNoRecords: 20,
      });
      const subscription = consumer
        .pipe(
          tap((record) => seen.push(text(record))),
          checkpoint(),
        )
        .subscribe();
      return { consumer, subscription };
    };
    const put = (data: string, hashKey: string) =>
      admin.send(
        new PutRecordCommand({
          StreamName: streamName,
          Data: Buffer.from(data),
          PartitionKey: 'k',
          ExplicitHashKey: hashKey,
        }),
      );
    const seen: string[] = [];
    let current = shardName(0);
    try {
      const first = store.open();
      const run = start(first, seen);
      try {
        // Each cycle: a record in the open shard, a split, a record in each child, a merge, a
        // record in the merged shard (every shard gets a position), then the 3 closed shards are
        // trimmed: 19 shards had state after 6 cycles.
        for (let cycle = 0; cycle < 6; cycle += 1) {
          const read = (data: string) => until(() => seen.includes(data), `record ${data}`);
          await put(`c${cycle}-open`, '5000');
          await read(`c${cycle}-open`);
          await admin.send(
            new SplitShardCommand({
              StreamName: streamName,
              ShardToSplit: current,
              NewStartingHashKey: '1000',
            }),
          );
          await untilActive(admin, streamName);
          await put(`c${cycle}-low`, '0');
          await put(`c${cycle}-high`, '5000');
          await read(`c${cycle}-low`);
          await read(`c${cycle}-high`);
          const next = 3 * cycle + 3;
          const [low, high] = [next - 2, next - 1].map(shardName);
          await admin.send(
            new MergeShardsCommand({ StreamName: streamName, ShardToMerge: low, AdjacentShardToMerge: high }),
          );
          await untilActive(admin, streamName);
          await put(`c${cycle}-merged`, '5000');
          await read(`c${cycle}-merged`);
          for (const shardId of [current, low, high]) trimmed.add(shardId);
          current = shardName(next);
        }
        // Only the open shard's state is left.
        const count = () => store.rawShardCount(streamName);
        await until(async () => (await count()) <= 1, 'the trimmed shards state to go', 30_000).catch(
          () => undefined,
        );
        expect(await count()).toBe(1);
        expect((await first.listLeases(streamName)).map((lease) => lease.shardId)).toEqual([current]);
      } finally {
        run.subscription.unsubscribe();
        await run.consumer.stopped();
        await first.close();
      }
      // A new run resumes from the open shard's checkpoint: nothing read twice, nothing lost.
      expect(new Set(seen).size).toBe(seen.length);
      await put('after-1', '0');
      await put('after-2', '5000');
      const again: string[] = [];
      const second = store.open();
      const rerun = start(second, again);
      try {
        await until(() => again.length >= 2, 'the records written after the restart');
        await sleep(500);
        expect(again).toEqual(['after-1', 'after-2']);
      } finally {
        rerun.subscription.unsubscribe();
        await rerun.consumer.stopped();
        await second.close();
      }
    } finally {
      await store.close();
    }
  },
);
