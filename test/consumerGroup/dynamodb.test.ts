// The consumer-group scenarios with the leases in a DynamoDB (KCL-format) lease table: balancing
// across processes with drained handoffs, a SIGKILLed worker's shards taken over, a graceful
// stop, and a handoff that waits for the records in flight.
import { startTestDynamoDB, type TestDynamoDB } from '../support/dynamodb.js';
import {
  HEARTBEAT_INTERVAL_MS,
  SESSION_TIMEOUT_MS,
  startGroupFixture,
  type GroupFixture,
  type GroupFixtureOptions,
} from './groupFixture.js';
import { handoffTimeoutScenario } from './handoffTimeoutScenario.js';
import { balanceScenario, gracefulStopScenario, takeoverScenario } from './scenarios/groupScenarios.js';

/** Room for a loaded machine: IPC, a late heartbeat, a slow DynamoDB or Kinesis call. */
const SLACK_MS = 1500;

let dynamo: TestDynamoDB;
let fixture: GroupFixture | undefined;

const start = async (shards: number, options: GroupFixtureOptions = {}): Promise<GroupFixture> => {
  fixture = await startGroupFixture('unused', shards, { ...options, dynamodbEndpoint: dynamo.endpoint });
  return fixture;
};

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

afterAll(async () => {
  await dynamo.close();
});

describe('consumer group on a DynamoDB lease table', () => {
  it('3 workers on 6 shards settle at 2/2/2; a 4th joins by handoff (2/2/1/1) and nothing is read twice', async () => {
    await balanceScenario(start);
  }, 80_000);

  it('a SIGKILLed worker loses its shards within failover time + two heartbeats; only records after its checkpoint are read twice', async () => {
    // The counter stops moving at the kill; others see that within a heartbeat.
    await takeoverScenario(start, {
      takeoverWithinMs: SESSION_TIMEOUT_MS + 2 * HEARTBEAT_INTERVAL_MS + SLACK_MS,
      expectEvenSplit: false,
    });
  }, 80_000);

  it('a worker that stops gracefully writes its last checkpoints, releases and leaves: the others take over at once, nothing is read twice', async () => {
    await gracefulStopScenario(start);
  }, 80_000);

  it('on a KCL multi-stream table holding another stream: 2/2/2, then 2/2/1/1, as if alone', async () => {
    await balanceScenario((shards, options = {}) => start(shards, { ...options, dynamodbMultiStream: true }));
  }, 80_000);

  it('a handoff waits for the records in flight: nothing is processed by two workers', async () => {
    await handoffTimeoutScenario(start);
  }, 240_000);
});
