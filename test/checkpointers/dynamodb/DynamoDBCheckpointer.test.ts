import { randomUUID } from 'node:crypto';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';
import { describeCheckpointerConformance } from '../../../src/testing/index.js';

// Steps that need a live lease must run within half of it. On a loaded 2-core machine the embedded
// DynamoDB, in this test's own process, took over 3 s for 20 concurrent acquisitions (the lease ran
// out between them and three acquirers won it) and over 750 ms for one call (half the 1.5 s lease,
// where a call gives up): 3 s of room.
const LEASE_MS = 6000;

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

describeCheckpointerConformance('DynamoDBCheckpointer', async () => {
  const prefix = uniqueTableName('conformance');
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: (streamName) => `${prefix}-${streamName.endsWith('-other') ? 'other' : 'main'}`,
    failoverTimeMs: LEASE_MS,
  });
  return {
    checkpointer,
    streamName: `stream-${randomUUID()}`,
    advanceTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cleanup: () => checkpointer.close(),
  };
});
