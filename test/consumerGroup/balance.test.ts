import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startGroupFixture, type GroupFixture } from './groupFixture.js';
import { balanceScenario } from './scenarios/groupScenarios.js';

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: lease balancing across processes', () => {
  it('3 workers on 6 shards settle at 2/2/2; a 4th joins and they rebalance to 2/2/1/1 without loss', async () => {
    redis = await startTestRedis();
    const url = redis.url;
    await balanceScenario(
      async (shards, options) => (fixture = await startGroupFixture(url, shards, options)),
    );
  }, 80_000);
});
