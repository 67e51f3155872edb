// A worker of a group that unsubscribes (last checkpoints written, leases released, group left):
// the other takes its shards at its next balancing pass (every heartbeat), whatever the
// shardRefreshInterval (60 s by default here: no shard listing comes in time to help), and reads
// on from the released checkpoints, nothing lost, nothing processed by both. Run on Redis and on
// DynamoDB, every worker a fromKinesis() consumer of this process.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { numbers, ProcessedLedger, putRecords, waitFor } from '../support/streamRecords.js';
import {
  eventTypes,
  groupCheckpointer,
  heldBy,
  InProcessGroup,
  type GroupStore,
  type InProcessWorker,
} from './inProcessGroup.js';

jest.setTimeout(120_000);

const SESSION_MS = 4000;
const HEARTBEAT_MS = 250;
/** Many heartbeats on a loaded machine, far less than the 60 s until the next shard listing. */
const TAKEN_WITHIN_MS = 15_000;
const SHARDS = [
  'shardId-000000000000',
  'shardId-000000000001',
  'shardId-000000000002',
  'shardId-000000000003',
];

let kinesis: TestKinesis;
let redis: TestRedis;
let dynamo: TestDynamoDB;
let client: KinesisClient;
let group: InProcessGroup | undefined;

beforeAll(async () => {
  [kinesis, redis, dynamo] = await Promise.all([startTestKinesis(), startTestRedis(), startTestDynamoDB()]);
  client = kinesis.createClient();
});

afterEach(async () => {
  await group?.close();
  group = undefined;
});

afterAll(async () => {
  client.destroy();
  await Promise.all([kinesis.close(), redis.close(), dynamo.close()]);
});

const holds = (worker: InProcessWorker) => SHARDS.filter((shardId) => heldBy(worker, shardId) > 0);

describe.each<GroupStore>(['redis', 'dynamodb'])('a worker that leaves the group, on %s', (store) => {
  it('has its released shards taken by the other at its next balancing pass, read on from its checkpoints', async () => {
    const streamName = uniqueStreamName('leaver');
    await kinesis.createStream(streamName, SHARDS.length);
    const keys = store === 'redis' ? uniqueKeyPrefix('leaver') : uniqueTableName('leaver');
    const stores = {
      redisUrl: redis.url,
      dynamo,
      name: 'leaver',
      sessionMs: SESSION_MS,
      heartbeatMs: HEARTBEAT_MS,
    };
    const all = new ProcessedLedger();
    const running = new InProcessGroup(kinesis, streamName, all);
    group = running;
    const ledgers = { a: new ProcessedLedger(), b: new ProcessedLedger() };
    const a = running.start('a', groupCheckpointer(store, keys, stores));
    running.pipeline(a, 0, [all, ledgers.a]);
    const b = running.start('b', groupCheckpointer(store, keys, stores));
    const leaving = running.pipeline(b, 0, [all, ledgers.b]);
    const describe = () => `a: ${eventTypes(a)}; b: ${eventTypes(b)}`;
    await waitFor(() => holds(a).length === 2 && holds(b).length === 2, {
      timeoutMs: 30_000,
      message: describe,
    });

    const first = await putRecords(client, streamName, numbers(80));
    await waitFor(() => all.size === first.length, { timeoutMs: 30_000, message: describe });
    const released = holds(b);
    leaving.unsubscribe();
    await b.consumer.stopped();
    const stoppedAt = Date.now();
    expect(b.events.filter(({ event }) => event.type === 'lease-released').map(({ event }) => event)).toEqual(
      expect.arrayContaining(released.map((shardId) => expect.objectContaining({ shardId }))),
    );

    const next = await putRecords(client, streamName, numbers(80, 80));
    await waitFor(() => holds(a).length === SHARDS.length, { timeoutMs: TAKEN_WITHIN_MS, message: describe });
    const takenAt = Math.max(
      ...a.events
        .filter(({ event }) => event.type === 'lease-acquired' && released.includes(event.shardId))
        .map(({ at }) => at),
    );
    expect(takenAt - stoppedAt).toBeLessThan(TAKEN_WITHIN_MS);
    await waitFor(() => all.size === first.length + next.length, { timeoutMs: 30_000, message: describe });
    // Read on from b's last checkpoints: nothing b processed is processed again by a.
    const both = [...first, ...next].filter(
      (record) =>
        ledgers.a.has(record.shardId, record.sequenceNumber) &&
        ledgers.b.has(record.shardId, record.sequenceNumber),
    );
    expect(both).toEqual([]);
    expect(a.events.filter(({ event }) => event.type === 'lease-lost')).toEqual([]);
  });
});
