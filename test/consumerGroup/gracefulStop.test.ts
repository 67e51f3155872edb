import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startGroupFixture, type GroupFixture } from './groupFixture.js';
import { gracefulStopScenario } from './scenarios/groupScenarios.js';

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: a worker that stops gracefully', () => {
  it('writes its last checkpoints, releases its leases and leaves: the others take over at once, nothing is read twice', async () => {
    redis = await startTestRedis();
    const url = redis.url;
    await gracefulStopScenario(
      async (shards, options) => (fixture = await startGroupFixture(url, shards, options)),
    );
  }, 80_000);
});
