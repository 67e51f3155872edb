import { startTestRedis, type TestRedis } from '../support/redis.js';
import {
  HEARTBEAT_INTERVAL_MS,
  SESSION_TIMEOUT_MS,
  startGroupFixture,
  type GroupFixture,
} from './groupFixture.js';
import { takeoverScenario } from './scenarios/groupScenarios.js';

/** Room for a loaded machine: IPC, a late heartbeat, a slow Redis or Kinesis call. */
const SLACK_MS = 1500;

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: a worker that dies', () => {
  it('has its shards taken within sessionTimeout + one heartbeat; records after its last checkpoint are the only ones read twice', async () => {
    redis = await startTestRedis();
    const url = redis.url;
    await takeoverScenario(
      async (shards, options) => (fixture = await startGroupFixture(url, shards, options)),
      {
        takeoverWithinMs: SESSION_TIMEOUT_MS + HEARTBEAT_INTERVAL_MS + SLACK_MS,
        expectEvenSplit: true,
      },
    );
  }, 80_000);
});
