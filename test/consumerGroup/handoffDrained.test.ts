// A handoff never gives a shard away mid-record (see handoffTimeoutScenario). Once the lease was
// released after the drain timeout with records in flight.
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startGroupFixture, type GroupFixture } from './groupFixture.js';
import { handoffTimeoutScenario } from './handoffTimeoutScenario.js';

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: a handoff waits for the records in flight', () => {
  it('keeps the lease past the drain timeout and hands over only when drained: nothing is processed twice', async () => {
    redis = await startTestRedis();
    const url = redis.url;
    await handoffTimeoutScenario(
      async (shards, options) => (fixture = await startGroupFixture(url, shards, options)),
    );
  }, 240_000);
});
