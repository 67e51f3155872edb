import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';
import { describeLeaseCoordinatorConformance } from '../leaseCoordinatorConformance.js';

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

describeLeaseCoordinatorConformance(
  'DynamoDBCheckpointer',
  ({ sessionMs, heartbeatIntervalMs, handoffTimeoutMs }) => {
    const prefix = uniqueTableName('coordination');
    return new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: (streamName) => `${prefix}-${streamName.endsWith('-other') ? 'other' : 'main'}`,
      failoverTimeMs: sessionMs,
      heartbeatIntervalMs,
      handoffTimeoutMs,
    });
  },
  { reportsLapsedOwner: true },
);
