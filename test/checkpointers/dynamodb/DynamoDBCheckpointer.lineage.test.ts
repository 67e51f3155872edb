// A consumer on a resharded stream writes the lineage into its DynamoDB lease table as the KCL
// does: parents and hash key range on each lease it creates, children with SHARD_END.
import {
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { ScanCommand as DynamoScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { firstValueFrom, take, toArray } from 'rxjs';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { fromKinesis } from '../../../src/observables/fromKinesis.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { numberedRecords, putTestRecords } from '../../consumer/putTestRecords.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../../support/kinesis.js';
import { kclFormatProblems } from './kclLeaseFormat.js';

jest.setTimeout(90_000);

let kinesis: TestKinesis;
let dynamo: TestDynamoDB;

beforeAll(async () => {
  kinesis = await startTestKinesis();
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
  await kinesis.close();
});

async function waitActive(client: KinesisClient, streamName: string): Promise<void> {
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** 2 shards; 100 records, split 0 into 2 and 3, 100 records, merge 3 with 1 into 4, 100 records. */
async function reshard(client: KinesisClient, streamName: string): Promise<void> {
  await putTestRecords(client, streamName, numberedRecords(100, 32, 0));
  await client.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (2n ** 126n).toString(),
    }),
  );
  await waitActive(client, streamName);
  await putTestRecords(client, streamName, numberedRecords(100, 32, 100));
  await client.send(
    new MergeShardsCommand({
      StreamName: streamName,
      ShardToMerge: 'shardId-000000000003',
      AdjacentShardToMerge: 'shardId-000000000001',
    }),
  );
  await waitActive(client, streamName);
  await putTestRecords(client, streamName, numberedRecords(100, 32, 200));
}

const set = (value: AttributeValue | undefined): string[] | undefined =>
  value === undefined ? undefined : [...(value.SS ?? [])].sort();

it('records parents and hash key ranges on lease creation and children at SHARD_END, in the KCL attributes', async () => {
  const streamName = uniqueStreamName('lineage');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  await reshard(client, streamName); // before the consumer starts: its first listing knows every shard
  const tableName = uniqueTableName('lineage');
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName,
  });
  try {
    const consumer = fromKinesis({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      checkpointer,
      shardFetchRate: 5,
      sleepTimeNoRecords: 20,
    });
    const records = await firstValueFrom(consumer.pipe(checkpoint({ batchSize: 10 }), take(300), toArray()));
    await consumer.stopped();
    expect(new Set(records.map((record) => Buffer.from(record.data).toString())).size).toBe(300);

    const listed = await client.send(new ListShardsCommand({ StreamName: streamName }));
    const ranges = new Map(
      (listed.Shards ?? []).map((shard) => [
        shard.ShardId,
        { start: shard.HashKeyRange?.StartingHashKey, end: shard.HashKeyRange?.EndingHashKey },
      ]),
    );
    const scanned = await dynamo.createClient().send(new DynamoScanCommand({ TableName: tableName }));
    const items = new Map((scanned.Items ?? []).map((item) => [item.leaseKey?.S, item]));
    expect([...items.keys()].sort()).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
    for (const [shardId, item] of items) {
      expect({ shardId, problems: kclFormatProblems(item) }).toEqual({ shardId, problems: [] });
      const range = ranges.get(shardId);
      expect({ shardId, start: item.startingHashKey?.S, end: item.endingHashKey?.S }).toEqual({
        shardId,
        start: range?.start,
        end: range?.end,
      });
    }
    const lineage = Object.fromEntries(
      [...items].map(([shardId, item]) => [
        shardId,
        {
          parents: set(item.parentShardId),
          children: set(item.childShardIds),
          checkpoint: item.checkpoint?.S,
        },
      ]),
    );
    expect(lineage).toMatchObject({
      'shardId-000000000000': {
        parents: undefined,
        children: ['shardId-000000000002', 'shardId-000000000003'],
        checkpoint: 'SHARD_END',
      },
      'shardId-000000000001': {
        parents: undefined,
        children: ['shardId-000000000004'],
        checkpoint: 'SHARD_END',
      },
      'shardId-000000000002': { parents: ['shardId-000000000000'] },
      'shardId-000000000003': {
        parents: ['shardId-000000000000'],
        children: ['shardId-000000000004'],
        checkpoint: 'SHARD_END',
      },
      'shardId-000000000004': {
        parents: ['shardId-000000000001', 'shardId-000000000003'],
        children: undefined,
      },
    });
    // The checkpointer reads the lineage back.
    const leases = await checkpointer.listLeases(streamName);
    expect(leases.find((lease) => lease.shardId === 'shardId-000000000004')?.lineage?.parentShardIds).toEqual(
      ['shardId-000000000001', 'shardId-000000000003'],
    );
  } finally {
    await checkpointer.close();
  }
});
