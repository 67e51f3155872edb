import { randomUUID } from 'node:crypto';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';
import { describeCheckpointerConformance } from '../../../src/testing/index.js';
import { Relay } from '../../support/tcpRelay.js';

// Leases are judged on the checkpointer's clock (`now`), which here moves only when the kit advances
// time: a loaded machine that leaves the embedded DynamoDB (in this test's own process) slow to
// answer cannot run a lease out between two steps, and no step waits for real time to pass. The
// default clock is Date.now; the lease arithmetic is the same either way.
const LEASE_MS = 6000;

function fakeClock(start = Date.now()) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

describeCheckpointerConformance('DynamoDBCheckpointer', async () => {
  const prefix = uniqueTableName('conformance');
  const clock = fakeClock();
  // The fixture's checkpointer reaches DynamoDB through a relay the store-failure test takes down.
  const relay = new Relay(new URL(dynamo.endpoint));
  await relay.up();
  // Instances of two processes over the same tables (on one clock, as hosts in sync).
  const open = (endpoint = dynamo.endpoint) =>
    new DynamoDBCheckpointer({
      endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: (streamName) => `${prefix}-${streamName.endsWith('-other') ? 'other' : 'main'}`,
      failoverTimeMs: LEASE_MS,
      now: clock.now,
    });
  const checkpointer = open(relay.endpoint);
  return {
    checkpointer,
    connect: async () => open(),
    streamName: `stream-${randomUUID()}`,
    advanceTime: async (ms) => clock.advance(ms),
    failStore: () => relay.down(),
    // The checkpointer ends a heartbeat waiting for its tables when its signal aborts.
    holdStore: async () => {
      const release = relay.hold();
      return async () => release();
    },
    cleanup: async () => {
      await checkpointer.close();
      await relay.down();
    },
  };
});
