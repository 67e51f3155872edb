import { randomUUID } from 'node:crypto';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';
import { describeCheckpointerConformance } from '../../../src/testing/index.js';

// Steps that need a live lease must run within half of it: 750 ms leaves room on a loaded machine.
const LEASE_MS = 1500;

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
