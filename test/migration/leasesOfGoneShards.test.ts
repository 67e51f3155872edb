// A lease table holding leases of shards the stream no longer lists: a KCL application stopped
// for a while (its lease cleanup did not run), or any table once the retention trimmed the parents
// of a resharding (their SHARD_END leases stay). Such a lease is not a reshard this worker has
// missed: one listing shows it, and the consumer does not list the shards again and again.
import {
  CreateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { firstValueFrom, take, toArray } from 'rxjs';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { putRecords } from '../support/streamRecords.js';

jest.setTimeout(90_000);

let dynamo: TestDynamoDB;
let kinesis: TestKinesis;
let client: DynamoDBClient;

beforeAll(async () => {
  [dynamo, kinesis] = await Promise.all([startTestDynamoDB(), startTestKinesis()]);
  client = dynamo.createClient();
});

afterAll(async () => {
  await Promise.all([dynamo.close(), kinesis.close()]);
});

async function createTable(table: string, hashKey: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') break;
    if (Date.now() > deadline) throw new Error(`table ${table} not ACTIVE within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('lists the shards once for leases of shards the stream no longer has, not at every balancing pass', async () => {
  const streamName = uniqueStreamName('gone-shards');
  await kinesis.createStream(streamName, 1);
  const table = uniqueTableName('kcl-app');
  await Promise.all([createTable(table, 'leaseKey'), createTable(`${table}-workers`, 'workerId')]);
  // Finished shards of an earlier resharding, trimmed from the stream since.
  for (const shardId of ['shardId-000000000097', 'shardId-000000000098']) {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          leaseKey: { S: shardId },
          leaseCounter: { N: '12' },
          checkpoint: { S: 'SHARD_END' },
          checkpointSubSequenceNumber: { N: '0' },
          ownerSwitchesSinceCheckpoint: { N: '0' },
        },
      }),
    );
  }
  const kinesisClient = kinesis.createClient();
  let listShards = 0;
  kinesisClient.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'ListShardsCommand') listShards += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countListShards' },
  );
  await putRecords(kinesisClient, streamName, ['1', '2', '3']);
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: table,
    createTable: false,
    // Heartbeats (and balancing passes) every 0.5 s.
    failoverTimeMs: 2000,
  });
  try {
    const consumer = fromKinesis({
      streamName,
      client: kinesisClient,
      checkpointer,
      sleepTimeNoRecords: 50,
    });
    const subscription = consumer.pipe(checkpoint()).subscribe();
    await firstValueFrom(consumer.observe().pipe(take(3), toArray()));
    const listedAtStart = listShards;
    await new Promise((resolve) => setTimeout(resolve, 8000));
    subscription.unsubscribe();
    await consumer.stopped();
    // Over 8 s of passes every 0.5 s: one more listing at most (the one that shows the leases'
    // shards are gone); the shard map's own refresh is every 60 s.
    expect(listShards - listedAtStart).toBeLessThanOrEqual(1);
  } finally {
    await checkpointer.close();
  }
});
