// The consumer-group scenarios with the leases in a DynamoDB (KCL-format) lease table: balancing
// across processes with drained handoffs, a SIGKILLed worker's shards taken over, a graceful
// stop, and a handoff that waits for the records in flight.
import { startTestDynamoDB, type TestDynamoDB } from '../support/dynamodb.js';
import {
  HEARTBEAT_INTERVAL_MS,
  startGroupFixture,
  type GroupFixture,
  type GroupFixtureOptions,
} from './groupFixture.js';
import { handoffTimeoutScenario } from './handoffTimeoutScenario.js';
import { balanceScenario, gracefulStopScenario, takeoverScenario } from './scenarios/groupScenarios.js';

/**
 * The session of the balancing and takeover tests. The embedded DynamoDB runs in this test's
 * process, next to the embedded Kinesis and the record feed: on a loaded 2-core machine it can leave
 * every worker's calls unanswered for over 1.5 s (half of the fixture's 3 s session, where a call
 * gives up), and a renewal missed for a whole 3 s session loses the lease. The balancing tests promise
 * that no lease is lost (every move is a drained handoff), so their leases must outlive such a
 * stall; a takeover's bound must leave room for a slow scan and take, yet still fail a takeover
 * that waits two sessions. The KCL's own default failover time is 10 s.
 */
const LONG_SESSION_MS = 10_000;
/** Room for a loaded machine in a takeover: a slow scan of the lease table, a slow take, IPC. */
const TAKEOVER_SLACK_MS = 5000;
/** More than the waits of these tests add up to (workers starting, settling, reading, a takeover). */
const LONG_TEST_MS = 180_000;

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
        start(shards, { ...options, sessionTimeoutMs: LONG_SESSION_MS }),
      );
    },
    LONG_TEST_MS,
  );

  it(
    'a SIGKILLed worker loses its shards within failover time + two heartbeats; only records after its checkpoint are read twice',
    async () => {
      // The counter stops moving at the kill; others see that within a heartbeat.
      await takeoverScenario(
        (shards, options = {}) => start(shards, { ...options, sessionTimeoutMs: LONG_SESSION_MS }),
        {
          takeoverWithinMs: LONG_SESSION_MS + 2 * HEARTBEAT_INTERVAL_MS + TAKEOVER_SLACK_MS,
          expectEvenSplit: false,
        },
      );
    },
    LONG_TEST_MS,
  );

  it('a worker that stops gracefully writes its last checkpoints, releases and leaves: the others take over at once, nothing is read twice', async () => {
    await gracefulStopScenario(start);
  }, 80_000);

  it(
    'on a KCL multi-stream table holding another stream: 2/2/2, then 2/2/1/1, as if alone',
    async () => {
      await balanceScenario((shards, options = {}) =>
        start(shards, { ...options, dynamodbMultiStream: true, sessionTimeoutMs: LONG_SESSION_MS }),
      );
    },
    LONG_TEST_MS,
  );

  it('a handoff waits for the records in flight: nothing is processed by two workers', async () => {
    await handoffTimeoutScenario(start);
  }, 240_000);
});
