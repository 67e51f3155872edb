import { randomUUID } from 'node:crypto';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { describeCheckpointerConformance } from '../../../src/testing/index.js';

const LEASE_MS = 600;

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

describeCheckpointerConformance('RedisCheckpointer (standalone)', async () => {
  const checkpointer = new RedisCheckpointer({
    redis: redis.url,
    name: 'conformance',
    sessionTimeout: LEASE_MS,
    keyPrefix: uniqueKeyPrefix(),
  });
  return {
    checkpointer,
    streamName: `stream-${randomUUID()}`,
    advanceTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cleanup: () => checkpointer.close(),
  };
});
