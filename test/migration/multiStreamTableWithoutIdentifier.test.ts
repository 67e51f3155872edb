// A KCL multi-stream application's lease table given without `streamIdentifier`: single-stream
// mode sees none of the stream's leases (their keys are <identifier>:<shardId>), so a consumer
// would start the stream afresh and add single-stream items a multi-stream KCL cannot place.
// The checkpointer names the identifier to pass, once per table and identifier.
import {
  CreateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { CaptureLogger } from '../support/captureLogger.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';

let dynamo: TestDynamoDB;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
  client = dynamo.createClient();
});

afterAll(async () => {
  await dynamo.close();
});

it('warns once that the table holds the stream in multi-stream form, naming the identifier', async () => {
  const table = uniqueTableName('kcl-multi');
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const [identifier, checkpoint] of [
    ['123456789012:orders:1700000000', '49590338271490256608559692538361571095921575989136588898'],
    ['123456789012:payments:1700000001', 'TRIM_HORIZON'],
  ] as const) {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          leaseKey: { S: `${identifier}:shardId-000000000000` },
          streamName: { S: identifier },
          shardId: { S: 'shardId-000000000000' },
          leaseCounter: { N: '3' },
          checkpoint: { S: checkpoint },
          checkpointSubSequenceNumber: { N: '0' },
          ownerSwitchesSinceCheckpoint: { N: '0' },
        },
      }),
    );
  }
  const logger = new CaptureLogger();
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: table,
    failoverTimeMs: 4000,
    logger,
  });
  try {
    expect(await checkpointer.listLeases('orders')).toEqual([]);
    await checkpointer.leaseSnapshot('orders');
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.details)).toEqual([
      { tableName: table, streamName: 'orders', otherIdentifier: '123456789012:orders:1700000000' },
    ]);
    expect(warnings[0]?.message).toMatch(/streamIdentifier/);
  } finally {
    await checkpointer.close();
  }
});
