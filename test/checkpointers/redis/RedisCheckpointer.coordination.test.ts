import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { RedisKeys } from '../../../src/checkpointers/redis/redisKeys.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { describeLeaseCoordinatorConformance } from '../leaseCoordinatorConformance.js';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

describeLeaseCoordinatorConformance(
  'RedisCheckpointer',
  ({ sessionMs, heartbeatIntervalMs, handoffTimeoutMs }) =>
    new RedisCheckpointer({
      redis: redis.url,
      name: 'coordination',
      sessionTimeout: sessionMs,
      heartbeatInterval: heartbeatIntervalMs,
      handoffTimeoutMs,
      keyPrefix: uniqueKeyPrefix(),
    }),
  { reportsLapsedOwner: true },
);

describe('RedisCheckpointer worker caps next to older workers', () => {
  it("forgets a worker's cap once a heartbeat that publishes none (an older version's) renewed it", async () => {
    const keyPrefix = uniqueKeyPrefix();
    const cp = new RedisCheckpointer({ redis: redis.url, name: 'caps', keyPrefix });
    const client = new Redis(redis.url);
    try {
      const stream = `stream-${randomUUID()}`;
      const expiresAt = await cp.heartbeat(stream, 'worker-a', { maxShardConsumers: 2 });
      expect((await cp.leaseSnapshot(stream)).workerCaps).toEqual([
        { workerId: 'worker-a', maxShardConsumers: 2 },
      ]);
      // What an older version's heartbeat does: a new expiry in the workers set, nothing else.
      const workers = new RedisKeys(keyPrefix, 'caps').workers(stream);
      expect(await client.zscore(workers, 'worker-a')).toBe(String(expiresAt));
      await client.zadd(workers, String(expiresAt + 5), 'worker-a');
      const snapshot = await cp.leaseSnapshot(stream);
      expect(snapshot.liveWorkers).toEqual(['worker-a']);
      expect(snapshot.workerCaps).toEqual([]);

      // An older version's heartbeat sweeps expired workers from the set only; the next heartbeat
      // of this version forgets their caps too.
      const caps = new RedisKeys(keyPrefix, 'caps').workerCaps(stream);
      await cp.heartbeat(stream, 'worker-b', { maxShardConsumers: 1 });
      await client.zrem(workers, 'worker-b');
      expect(await client.hkeys(caps)).toEqual(['worker-a', 'worker-b']);
      await cp.heartbeat(stream, 'worker-c');
      expect(await client.hkeys(caps)).toEqual(['worker-a']);
    } finally {
      client.disconnect();
      await cp.close();
    }
  });
});
