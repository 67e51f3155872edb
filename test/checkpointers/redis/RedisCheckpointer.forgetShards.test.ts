import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';

const LEASE_MS = 3000;
const SHARD = 'shardId-000000000000';

let redis: TestRedis;
let inspect: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  inspect = new Redis(redis.url);
});
afterAll(async () => {
  inspect.disconnect();
  await redis.close();
});

let opened: RedisCheckpointer[] = [];
afterEach(async () => {
  await Promise.all(opened.map((checkpointer) => checkpointer.close()));
  opened = [];
});

function group(): { open: () => RedisCheckpointer; streamName: string; keyPrefix: string } {
  const keyPrefix = uniqueKeyPrefix();
  const open = () => {
    const checkpointer = new RedisCheckpointer({
      redis: redis.url,
      name: 'forget',
      keyPrefix,
      sessionTimeout: LEASE_MS,
    });
    opened.push(checkpointer);
    return checkpointer;
  };
  return { open, streamName: `stream-${randomUUID()}`, keyPrefix };
}

test('keeps a released shard reserved for a live handoff requester', async () => {
  const { open, streamName } = group();
  const a = open();
  const lease = await a.acquireLease(streamName, SHARD, 'worker-a');
  if (lease === undefined) throw new Error('not acquired');
  await a.markShardEnd(lease);
  await a.heartbeat(streamName, 'worker-b');
  expect(await a.releaseLease(lease, { handoffTo: 'worker-b' })).toEqual({ reservedFor: 'worker-b' });
  expect(await a.forgetShards(streamName, [SHARD])).toEqual([]);
  expect(await a.getCheckpoint(streamName, SHARD)).toEqual({ kind: 'shard-end' });
});

test('a shard forgotten while another instance takes its lease: either the take comes first and the state stays, or the take finds it free and empty', async () => {
  const { open, streamName, keyPrefix } = group();
  const forgetter = open();
  const taker = open();
  await Promise.all([forgetter.listLeases(streamName), taker.listLeases(streamName)]);
  const outcomes = { kept: 0, forgotten: 0 };
  for (let round = 0; round < 30; round += 1) {
    const shardId = `shardId-${String(round).padStart(12, '0')}`;
    const lease = await forgetter.acquireLease(streamName, shardId, 'worker-a');
    if (lease === undefined) throw new Error('not acquired');
    await forgetter.markShardEnd(lease);
    await forgetter.releaseLease(lease);
    const [taken, forgotten] = await Promise.all([
      taker.acquireLease(streamName, shardId, 'worker-b'),
      forgetter.forgetShards(streamName, [shardId]),
    ]);
    // Free either way: the take always succeeds, and the lease works.
    if (taken === undefined) throw new Error(`round ${round}: the take was refused`);
    await taker.renewLease(taken);
    const stored = await taker.getCheckpoint(streamName, shardId);
    if (forgotten.includes(shardId)) {
      outcomes.forgotten += 1;
      expect(stored).toBeUndefined();
    } else {
      outcomes.kept += 1;
      expect(stored).toEqual({ kind: 'shard-end' });
    }
    // The index names exactly the shards that have a hash.
    const index = `${keyPrefix}{forget:${encodeURIComponent(streamName)}}:shards`;
    expect(await inspect.sismember(index, shardId)).toBe(1);
    await taker.releaseLease(taken);
  }
  expect(outcomes.kept + outcomes.forgotten).toBe(30);
});

test('forgets in batches: 250 shards in one call', async () => {
  const { open, streamName, keyPrefix } = group();
  const a = open();
  const ids = Array.from({ length: 250 }, (_, i) => `shardId-${String(i).padStart(12, '0')}`);
  for (const shardId of ids) {
    const lease = await a.acquireLease(streamName, shardId, 'worker-a');
    if (lease === undefined) throw new Error('not acquired');
    await a.markShardEnd(lease);
    await a.releaseLease(lease);
  }
  expect((await a.forgetShards(streamName, ids)).sort()).toEqual(ids);
  expect(await inspect.keys(`${keyPrefix}*`)).toEqual([]);
});

test('refuses arguments that are not a stream name and shard ids', async () => {
  const { open, streamName } = group();
  const a = open();
  await expect(a.forgetShards('', [SHARD])).rejects.toMatchObject({ name: 'InvalidOptionError' });
  await expect(a.forgetShards(streamName, [''])).rejects.toMatchObject({ name: 'InvalidOptionError' });
  await expect(a.forgetShards(streamName, SHARD as unknown as string[])).rejects.toMatchObject({
    name: 'InvalidOptionError',
  });
});
