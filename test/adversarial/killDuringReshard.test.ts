import { startGroupFixture, type GroupFixture } from '../consumerGroup/groupFixture.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { killDuringReshardScenario, stopKillDuringReshard } from './killDuringReshardScenario.js';

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await stopKillDuringReshard();
  await fixture?.close();
  await redis?.close();
});

describe('kill -9 of workers during a split and a merge (Redis leases)', () => {
  it('survivors take over; every record processed, no checkpoint ahead of the work, parents before children, leases balanced', async () => {
    redis = await startTestRedis();
    const url = redis.url;
    await killDuringReshardScenario(
      async (shards, options) => (fixture = await startGroupFixture(url, shards, options)),
      undefined,
    );
  }, 150_000);
});
