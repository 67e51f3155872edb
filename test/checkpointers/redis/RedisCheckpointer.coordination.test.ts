import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
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
