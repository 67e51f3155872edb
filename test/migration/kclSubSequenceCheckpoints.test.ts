// Moving a KCL application onto rxjs-kinesis, and back, over its lease table: where each side
// resumes inside KPL aggregated records. The KCL resumes a checkpoint (sequence number,
// sub-sequence number) at its record (AT_SEQUENCE_NUMBER) and drops every user record whose
// (sequence number, sub-sequence number) is at or below it: sub-sequence 0 means "the record's
// first user record done", which for a plain record is the whole record.
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { firstValueFrom, takeWhile, toArray } from 'rxjs';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { deserialize } from '../../src/operators/deserialize.js';
import { Producer } from '../../src/producer/Producer.js';
import type { DeliveredReport } from '../../src/producer/DeliveryReport.js';
import { jsonProcessor, kplJsonProcessor } from '../../src/processors/namedProcessors.js';
import type { Processor } from '../../src/processors/Processor.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(90_000);

type Item = Record<string, AttributeValue>;
const SHARD = 'shardId-000000000000';

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

/** The KCL application's lease table holding `items`, and the workers table created beside it. */
async function createLeaseTable(items: readonly Item[]): Promise<string> {
  const table = uniqueTableName('kcl-app');
  await Promise.all([createTable(table, 'leaseKey'), createTable(`${table}-workers`, 'workerId')]);
  for (const item of items) await client.send(new PutItemCommand({ TableName: table, Item: item }));
  return table;
}

/** A lease item as a KCL worker leaves it when it shuts down: released, at (sequence, sub). */
function kclLease(sequenceNumber: string, subSequenceNumber: number): Item {
  return {
    leaseKey: { S: SHARD },
    leaseCounter: { N: '17' },
    checkpoint: { S: sequenceNumber },
    checkpointSubSequenceNumber: { N: String(subSequenceNumber) },
    ownerSwitchesSinceCheckpoint: { N: '0' },
  };
}

function leases(table: string): DynamoDBCheckpointer {
  const made = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: table,
    createTable: false,
    failoverTimeMs: 4000,
  });
  open.push(made);
  return made;
}

/** Writes `batches` in order, each batch flushed before the next: with KPL, one record per batch. */
async function write(
  streamName: string,
  processor: Processor<string>,
  batches: readonly (readonly string[])[],
): Promise<DeliveredReport<string>[]> {
  const producer = new Producer<string>({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    processor,
    partitionKey: 'one-key',
  });
  const delivered: DeliveredReport<string>[] = [];
  try {
    for (const batch of batches) {
      const sent = await Promise.all(batch.map((item) => producer.send(item)));
      delivered.push(...sent);
    }
  } finally {
    await producer.close();
  }
  return delivered;
}

/** What a consumer on the table reads from where the table says, up to and including `last`. */
async function readUpTo(
  streamName: string,
  checkpointer: DynamoDBCheckpointer,
  processor: Processor<string>,
  last: string,
): Promise<string[]> {
  const consumer = fromKinesis({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    checkpointer,
    processor,
    sleepTimeNoRecords: 50,
  });
  const items = await firstValueFrom(
    consumer.pipe(
      deserialize<string>(),
      checkpoint({ batchSize: 1 }),
      takeWhile((item) => item.data !== last, true),
      toArray(),
    ),
  );
  await consumer.stopped();
  return items.map((item) => item.data);
}

async function readItem(table: string): Promise<Item> {
  const { Item: item } = await client.send(
    new GetItemCommand({ TableName: table, Key: { leaseKey: { S: SHARD } }, ConsistentRead: true }),
  );
  if (item === undefined) throw new Error('no lease item');
  return item;
}

/**
 * The user records a KCL worker would hand its record processor when it resumes from `item`:
 * those after the checkpoint in (sequence number, sub-sequence number) order; from LATEST, none
 * of those already written; from TRIM_HORIZON, all.
 */
function kclResumes(item: Item, records: readonly DeliveredReport<string>[]): string[] {
  if (item.checkpoint?.S === 'LATEST') return [];
  if (item.checkpoint?.S === 'TRIM_HORIZON') return records.map((record) => record.item);
  const sequence = BigInt(item.checkpoint?.S ?? '0');
  const sub = BigInt(item.checkpointSubSequenceNumber?.N ?? '0');
  return records
    .filter((record) => {
      const at = BigInt(record.sequenceNumber);
      return at > sequence || (at === sequence && BigInt(record.subSequenceNumber ?? 0) > sub);
    })
    .map((record) => record.item);
}

describe('KCL checkpoints inside KPL aggregated records', () => {
  it("resumes after the KCL's checkpoint on the first user record of an aggregated record, not after the record", async () => {
    const streamName = uniqueStreamName('kcl-sub0');
    await kinesis.createStream(streamName, 1);
    const written = await write(streamName, kplJsonProcessor<string>(), [['a', 'b', 'c'], ['d']]);
    const first = written[0] as DeliveredReport<string>;
    expect(written.slice(0, 3).map((report) => [report.sequenceNumber, report.subSequenceNumber])).toEqual([
      [first.sequenceNumber, 0],
      [first.sequenceNumber, 1],
      [first.sequenceNumber, 2],
    ]);
    // A KCL record processor checkpointed user record 'a' (checkpoint(record): sub-sequence 0)
    // and stopped: the KCL itself would go on with 'b'.
    const table = await createLeaseTable([kclLease(first.sequenceNumber, 0)]);
    expect(kclResumes(await readItem(table), written)).toEqual(['b', 'c', 'd']);
    expect(await readUpTo(streamName, leases(table), kplJsonProcessor<string>(), 'd')).toEqual([
      'b',
      'c',
      'd',
    ]);
  });

  it('resumes after a plain record the KCL checkpointed (sub-sequence 0 is its only user record)', async () => {
    const streamName = uniqueStreamName('kcl-plain');
    await kinesis.createStream(streamName, 1);
    const written = await write(streamName, jsonProcessor<string>(), [['x'], ['y']]);
    const table = await createLeaseTable([
      kclLease((written[0] as DeliveredReport<string>).sequenceNumber, 0),
    ]);
    expect(await readUpTo(streamName, leases(table), jsonProcessor<string>(), 'y')).toEqual(['y']);
    // The same table read with the KPL processor (plain records pass as one user record).
    const again = await createLeaseTable([
      kclLease((written[0] as DeliveredReport<string>).sequenceNumber, 0),
    ]);
    expect(await readUpTo(streamName, leases(again), kplJsonProcessor<string>(), 'y')).toEqual(['y']);
  });

  it('leaves a KCL worker inside an aggregated record it stopped in, over a LATEST lease that never checkpointed', async () => {
    const streamName = uniqueStreamName('kcl-latest');
    await kinesis.createStream(streamName, 1);
    const written = await write(streamName, kplJsonProcessor<string>(), [['a', 'b', 'c'], ['d']]);
    // A KCL application reading from LATEST whose lease never checkpointed: rxjs-kinesis starts at
    // its own iteratorType (TRIM_HORIZON), and stops after 'a'.
    const table = await createLeaseTable([kclLease('LATEST', 0)]);
    expect(await readUpTo(streamName, leases(table), kplJsonProcessor<string>(), 'a')).toEqual(['a']);
    // A KCL worker taking the table back goes on with 'b', not at the stream's end.
    expect(kclResumes(await readItem(table), written)).toEqual(['b', 'c', 'd']);
    expect(await readUpTo(streamName, leases(table), kplJsonProcessor<string>(), 'd')).toEqual([
      'b',
      'c',
      'd',
    ]);
  });

  it('leaves a whole aggregated record done for a KCL worker that takes the table back, and for itself', async () => {
    const streamName = uniqueStreamName('kcl-back');
    await kinesis.createStream(streamName, 1);
    const written = await write(streamName, kplJsonProcessor<string>(), [['a', 'b', 'c'], ['d', 'e'], ['f']]);
    const table = await createLeaseTable([
      kclLease((written[0] as DeliveredReport<string>).sequenceNumber, 2),
    ]);
    // rxjs-kinesis takes over after the KCL finished 'a'..'c', and stops after the record 'd', 'e'.
    expect(await readUpTo(streamName, leases(table), kplJsonProcessor<string>(), 'e')).toEqual(['d', 'e']);
    // A KCL worker taking the table back goes on with 'f': nothing of 'd', 'e' again.
    expect(kclResumes(await readItem(table), written)).toEqual(['f']);
    // And so does rxjs-kinesis.
    expect(await readUpTo(streamName, leases(table), kplJsonProcessor<string>(), 'f')).toEqual(['f']);
  });
});
