// The kill -9 during a split and a merge with the leases in a DynamoDB (KCL-format) lease table on
// the embedded DynamoDB, on the 10 s failover time the other DynamoDB group tests use (the
// embedded DynamoDB runs in this test's process and can stall for seconds on a loaded machine).
import { startGroupFixture, type GroupFixture } from '../consumerGroup/groupFixture.js';
import { startTestDynamoDB, type TestDynamoDB } from '../support/dynamodb.js';
import { killDuringReshardScenario, stopKillDuringReshard } from './killDuringReshardScenario.js';

const LONG_SESSION_MS = 10_000;

let dynamo: TestDynamoDB | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await stopKillDuringReshard();
  await fixture?.close();
  await dynamo?.close();
});

describe('kill -9 of workers during a split and a merge (DynamoDB lease table)', () => {
  it('survivors take over; every record processed, no checkpoint ahead of the work, parents before children, leases balanced', async () => {
    dynamo = await startTestDynamoDB();
    const endpoint = dynamo.endpoint;
    await killDuringReshardScenario(
      async (shards, options) =>
        (fixture = await startGroupFixture('unused', shards, { ...options, dynamodbEndpoint: endpoint })),
      LONG_SESSION_MS,
      60_000,
    );
  }, 240_000);
});
