// A sessionTimeout past 2^32 ms is valid (with a heartbeatInterval and handoffTimeoutMs of its
// own), and the default callTimeout (half of it) is then past the longest timer (2^31 - 1 ms): Node runs such a timer after 1 ms, so every call was given up
// 1 ms after it started, however fast Redis answered. The deadline is now that of the longest timer.
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';

jest.setTimeout(60_000);

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

test('a sessionTimeout of 2^33 ms with a heartbeat of 10 s: calls are answered', async () => {
  const checkpointer = new RedisCheckpointer({
    redis: redis.url,
    name: 'long-session',
    sessionTimeout: 2 ** 33,
    heartbeatInterval: 10_000,
    handoffTimeoutMs: 60_000,
    keyPrefix: uniqueKeyPrefix(),
  });
  try {
    await expect(checkpointer.listLeases('stream')).resolves.toEqual([]);
    const lease = await checkpointer.acquireLease('stream', 'shardId-000000000000', 'worker');
    expect(lease).toBeDefined();
  } finally {
    await checkpointer.close();
  }
});
