// Moving a KCL application onto rxjs-kinesis after a resharding. The KCL deletes the lease of a
// closed shard once it is read to its end (SHARD_END) and every child has a lease whose checkpoint
// is past TRIM_HORIZON, while the shard itself stays in ListShards until the stream's retention
// trims it (24 hours to a year). A consumer taking such a table over must not read that parent
// again from TRIM_HORIZON, nor hold its children back until it has.
import {
  CreateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { firstValueFrom, scan, takeWhile, toArray } from 'rxjs';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { deserialize } from '../../src/operators/deserialize.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { putRecords, splitShard, type WrittenRecord } from '../support/streamRecords.js';

jest.setTimeout(90_000);

type Item = Record<string, AttributeValue>;
const PARENT = 'shardId-000000000000';
const CHILDREN = ['shardId-000000000001', 'shardId-000000000002'];

let dynamo: TestDynamoDB;
let kinesis: TestKinesis;
let client: DynamoDBClient;
const open: DynamoDBCheckpointer[] = [];

beforeAll(async () => {
  [dynamo, kinesis] = await Promise.all([startTestDynamoDB(), startTestKinesis()]);
  client = dynamo.createClient();
});

afterAll(async () => {
  await Promise.all([dynamo.close(), kinesis.close()]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((made) => made.close()));
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

/** A child's lease as the KCL leaves it: released, checkpointed at `sequenceNumber`. */
function kclChildLease(shardId: string, sequenceNumber: string): Item {
  return {
    leaseKey: { S: shardId },
    leaseCounter: { N: '40' },
    checkpoint: { S: sequenceNumber },
    checkpointSubSequenceNumber: { N: '0' },
    ownerSwitchesSinceCheckpoint: { N: '0' },
    parentShardId: { SS: [PARENT] },
  };
}

it("reads on from the children's checkpoints, not the parent whose finished lease the KCL deleted", async () => {
  const streamName = uniqueStreamName('kcl-cleaned');
  await kinesis.createStream(streamName, 1);
  const kinesisClient = kinesis.createClient();
  // JSON strings, as jsonProcessor() writes them.
  const before = await putRecords(
    kinesisClient,
    streamName,
    ['p0', 'p1', 'p2', 'p3'].map((data) => JSON.stringify(data)),
  );
  await splitShard(kinesisClient, streamName);
  const after = await putRecords(
    kinesisClient,
    streamName,
    Array.from({ length: 32 }, (_, i) => JSON.stringify(`c${i}`)),
  );
  expect(new Set(before.map((record) => record.shardId))).toEqual(new Set([PARENT]));
  const byChild = CHILDREN.map((shardId) => after.filter((record) => record.shardId === shardId));
  for (const records of byChild) expect(records.length).toBeGreaterThanOrEqual(2);

  // The KCL read the parent to its end, the children up to their first record each, then
  // deleted the parent's lease.
  const table = uniqueTableName('kcl-app');
  await Promise.all([createTable(table, 'leaseKey'), createTable(`${table}-workers`, 'workerId')]);
  for (const [i, shardId] of CHILDREN.entries()) {
    const first = (byChild[i] as WrittenRecord[])[0] as WrittenRecord;
    await client.send(
      new PutItemCommand({ TableName: table, Item: kclChildLease(shardId, first.sequenceNumber) }),
    );
  }
  const expected = byChild
    .flatMap((records) => records.slice(1).map((record) => JSON.parse(record.data) as string))
    .sort();

  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: table,
    createTable: false,
    failoverTimeMs: 4000,
  });
  open.push(checkpointer);
  const consumer = fromKinesis({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    checkpointer,
    sleepTimeNoRecords: 50,
  });
  const remaining = new Set(expected);
  const read = await firstValueFrom(
    consumer.pipe(
      deserialize<string>(),
      checkpoint(),
      scan((seen: string[], item) => {
        remaining.delete(item.data);
        return [...seen, item.data];
      }, []),
      takeWhile(() => remaining.size > 0, true),
      toArray(),
    ),
  );
  await consumer.stopped();
  const items = read.at(-1) ?? [];
  expect(items.filter((data) => data.startsWith('p'))).toEqual([]);
  expect([...items].sort()).toEqual(expected);
});
