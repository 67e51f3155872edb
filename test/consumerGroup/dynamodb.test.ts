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
/**
 * The balancing tests promise that no lease is ever lost (every move is a drained handoff), so
 * their leases must outlive the longest stall of the store. The embedded DynamoDB runs in this
 * test's process, next to the embedded Kinesis and the record feed: on a loaded 2-core machine it
 * can leave every worker's calls unanswered for over 1.5 s (half of SESSION_TIMEOUT_MS, where a
 * call gives up), and a renewal missed for a whole 3 s session loses the lease. The KCL's own
 * default failover time is 10 s.
 */
const BALANCE_SESSION_MS = 10_000;
/** More than the waits of a balancing test add up to (workers starting, settling, reading). */
const BALANCE_TEST_MS = 180_000;

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
  it(
    '3 workers on 6 shards settle at 2/2/2; a 4th joins by handoff (2/2/1/1) and nothing is read twice',
    async () => {
      await balanceScenario((shards, options = {}) =>
        start(shards, { ...options, sessionTimeoutMs: BALANCE_SESSION_MS }),
      );
    },
    BALANCE_TEST_MS,
  );

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

  it(
    'on a KCL multi-stream table holding another stream: 2/2/2, then 2/2/1/1, as if alone',
    async () => {
      await balanceScenario((shards, options = {}) =>
        start(shards, { ...options, dynamodbMultiStream: true, sessionTimeoutMs: BALANCE_SESSION_MS }),
      );
    },
    BALANCE_TEST_MS,
  );

  it('a handoff waits for the records in flight: nothing is processed by two workers', async () => {
    await handoffTimeoutScenario(start);
  }, 240_000);
});
