// A KCL 2.3+ multi-stream lease table: leases keyed <accountId>:<streamName>:<creationEpoch>:<shardId>
// with the stream identifier in `streamName` and the shard in `shardId`, several streams in one
// table. The checkpointer reads and continues its stream's leases and leaves the others alone.
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { firstValueFrom, take, toArray } from 'rxjs';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import type { DynamoDBCheckpointerOptions } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointerOptions.js';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { fromKinesis } from '../../../src/observables/fromKinesis.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { numberedRecords, putTestRecords } from '../../consumer/putTestRecords.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../../support/kinesis.js';
import { kclFormatProblems } from './kclLeaseFormat.js';

jest.setTimeout(60_000);

type Item = Record<string, AttributeValue>;

const ORDERS = '123456789012:orders:1700000000';
const PAYMENTS = '123456789012:payments:1700000001';
const SEQ_A = '49590338271490256608559692538361571095921575989136588898';
const SEQ_B = '49590338271490256608559692538361571095921575989136588999';
const HALF = '170141183460469231731687303715884105727';
const MAX_HASH = '340282366920938463463374607431768211455';

/** Lease items exactly as the KCL (2.3+, multi-stream mode) writes them. */
function kclItem(stream: string, shardId: string, fields: Item): Item {
  return {
    leaseKey: { S: `${stream}:${shardId}` },
    streamName: { S: stream },
    shardId: { S: shardId },
    checkpointSubSequenceNumber: { N: '0' },
    ownerSwitchesSinceCheckpoint: { N: '0' },
    ...fields,
  };
}

const FIXTURE: Item[] = [
  kclItem(ORDERS, 'shardId-000000000000', {
    leaseOwner: { S: 'kcl-worker-1' },
    leaseCounter: { N: '10' },
    checkpoint: { S: SEQ_A },
    startingHashKey: { S: '0' },
    endingHashKey: { S: HALF },
  }),
  kclItem(ORDERS, 'shardId-000000000001', {
    leaseCounter: { N: '4' },
    checkpoint: { S: 'SHARD_END' },
    childShardIds: { SS: ['shardId-000000000002'] },
  }),
  kclItem(PAYMENTS, 'shardId-000000000000', {
    leaseOwner: { S: 'kcl-worker-9' },
    leaseCounter: { N: '5' },
    checkpoint: { S: SEQ_B },
  }),
  kclItem(PAYMENTS, 'shardId-000000000001', {
    leaseCounter: { N: '2' },
    checkpoint: { S: 'TRIM_HORIZON' },
  }),
];

let dynamo: TestDynamoDB;
let client: DynamoDBClient;
let table: string;
const open: DynamoDBCheckpointer[] = [];

function checkpointer(options: Partial<DynamoDBCheckpointerOptions> = {}): DynamoDBCheckpointer {
  const made = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: table, // exists: only the workers table beside it is created
    // A call gives up after half of it: room for the embedded DynamoDB on a loaded machine.
    failoverTimeMs: 4000,
    streamIdentifier: ORDERS,
    ...options,
  });
  open.push(made);
  return made;
}

async function readItem(leaseKey: string): Promise<Item | undefined> {
  const answer = await client.send(
    new GetItemCommand({ TableName: table, Key: { leaseKey: { S: leaseKey } }, ConsistentRead: true }),
  );
  return answer.Item;
}

async function paymentsItems(): Promise<Item[]> {
  const { Items } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return (Items ?? [])
    .filter((item) => item.streamName?.S === PAYMENTS)
    .sort((a, b) => ((a.leaseKey?.S ?? '') < (b.leaseKey?.S ?? '') ? -1 : 1));
}

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
  client = dynamo.createClient();
});

afterAll(async () => {
  await dynamo.close();
});

beforeEach(async () => {
  table = uniqueTableName('kcl-multi');
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
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
  for (const item of FIXTURE) await client.send(new PutItemCommand({ TableName: table, Item: item }));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((made) => made.close()));
});

describe('DynamoDBCheckpointer on a KCL multi-stream lease table', () => {
  it("reads its stream's checkpoints and lineage, and lists only its stream's leases", async () => {
    const orders = checkpointer();
    // Sub-sequence 0 as the KCL wrote it: the record's first user record done (see kcl.test.ts).
    expect(await orders.getCheckpoint('orders', 'shardId-000000000000')).toEqual({
      kind: 'position',
      position: { sequenceNumber: SEQ_A, subSequenceNumber: 0 },
    });
    expect(await orders.getCheckpoint('orders', 'shardId-000000000001')).toEqual({ kind: 'shard-end' });
    expect(await orders.listLeases('orders')).toEqual([
      {
        shardId: 'shardId-000000000000',
        owner: 'kcl-worker-1',
        expiresAt: expect.any(Number) as number,
        checkpoint: { kind: 'position', position: { sequenceNumber: SEQ_A, subSequenceNumber: 0 } },
        lineage: { hashKeyRange: { startingHashKey: '0', endingHashKey: HALF } },
      },
      {
        shardId: 'shardId-000000000001',
        checkpoint: { kind: 'shard-end' },
        lineage: { childShardIds: ['shardId-000000000002'] },
      },
    ]);
    const snapshot = await orders.leaseSnapshot('orders');
    expect(snapshot.leases.map((lease) => lease.shardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
  });

  it("creates and continues leases in the KCL's multi-stream format, leaving other streams' leases untouched", async () => {
    const before = await paymentsItems();
    const orders = checkpointer();
    const lease = await orders.acquireLease('orders', 'shardId-000000000002', 'rx-worker', {
      parentShardIds: ['shardId-000000000001'],
      hashKeyRange: { startingHashKey: '170141183460469231731687303715884105728', endingHashKey: MAX_HASH },
    });
    if (lease === undefined) throw new Error('expected a new lease');
    expect(await readItem(`${ORDERS}:shardId-000000000002`)).toEqual({
      leaseKey: { S: `${ORDERS}:shardId-000000000002` },
      streamName: { S: ORDERS },
      shardId: { S: 'shardId-000000000002' },
      leaseOwner: { S: 'rx-worker' },
      leaseCounter: { N: '1' },
      checkpoint: { S: 'TRIM_HORIZON' },
      checkpointSubSequenceNumber: { N: '0' },
      ownerSwitchesSinceCheckpoint: { N: '0' },
      parentShardId: { SS: ['shardId-000000000001'] },
      startingHashKey: { S: '170141183460469231731687303715884105728' },
      endingHashKey: { S: MAX_HASH },
      // Not the KCL's (it ignores it): the token of the write that took the lease, removed by
      // the holder's next write.
      rxjsKinesisTakeToken: { S: expect.any(String) },
    });
    expect(await orders.checkpoint(lease, { sequenceNumber: SEQ_B, subSequenceNumber: 2 })).toBe(true);
    await orders.markShardEnd(lease, { childShardIds: ['shardId-000000000003'] });
    await orders.releaseLease(lease);
    expect(await readItem(`${ORDERS}:shardId-000000000002`)).toMatchObject({
      checkpoint: { S: 'SHARD_END' },
      childShardIds: { SS: ['shardId-000000000003'] },
      leaseCounter: { N: '4' },
    });
    // The same shard id of the other stream is another lease: still free to take, and untouched.
    expect(await readItem(`${PAYMENTS}:shardId-000000000002`)).toBeUndefined();
    expect(await paymentsItems()).toEqual(before);
    // A single-stream checkpointer on the same table sees none of the multi-stream leases.
    const single = checkpointer({ streamIdentifier: undefined });
    expect(await single.listLeases('orders')).toEqual([]);
  });

  it('counts workers per stream: balancing one stream ignores the leases and workers of the others', async () => {
    const orders = checkpointer();
    const payments = checkpointer({ streamIdentifier: PAYMENTS });
    await orders.heartbeat('orders', 'worker-o');
    await payments.heartbeat('payments', 'worker-p');
    expect(await orders.liveWorkers('orders')).toEqual(['worker-o']);
    expect(await payments.liveWorkers('payments')).toEqual(['worker-p']);
    const snapshot = await payments.leaseSnapshot('payments');
    expect(snapshot.liveWorkers).toEqual(['worker-p']);
    // Only payments' state (its free TRIM_HORIZON lease holds none); none of orders'.
    expect(snapshot.leases.map((lease) => [lease.shardId, lease.owner])).toEqual([
      ['shardId-000000000000', 'kcl-worker-9'],
    ]);
    await orders.leaveGroup('orders', 'worker-o');
    expect(await orders.liveWorkers('orders')).toEqual([]);
    expect(await payments.liveWorkers('payments')).toEqual(['worker-p']);
  });

  it('warns once when the table holds its stream under another identifier (a mistyped creation epoch)', async () => {
    const logger = new CaptureLogger();
    const mistyped = checkpointer({ streamIdentifier: '123456789012:orders:1700000999', logger });
    expect(await mistyped.listLeases('orders')).toEqual([]);
    await mistyped.leaseSnapshot('orders');
    expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.details)).toEqual([
      {
        tableName: table,
        streamName: 'orders',
        streamIdentifier: '123456789012:orders:1700000999',
        otherIdentifier: ORDERS,
      },
    ]);
    // The right identifier: no warning (the payments leases are another stream's, as expected).
    const right = new CaptureLogger();
    await checkpointer({ logger: right }).listLeases('orders');
    expect(right.messages('warn')).toEqual([]);
  });

  it('takes a function of the stream name for several streams, and checks every identifier', async () => {
    const both = checkpointer({
      streamIdentifier: (streamName) => (streamName === 'orders' ? ORDERS : PAYMENTS),
    });
    expect(await both.getCheckpoint('payments', 'shardId-000000000000')).toEqual({
      kind: 'position',
      position: { sequenceNumber: SEQ_B, subSequenceNumber: 0 },
    });
    expect(await both.getCheckpoint('orders', 'shardId-000000000000')).toMatchObject({ kind: 'position' });
    // The identifier names another stream than the one used.
    await expect(both.getCheckpoint('refunds', 'shardId-000000000000')).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    await expect(checkpointer().getCheckpoint('payments', 'shardId-000000000000')).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    expect(() => checkpointer({ streamIdentifier: 'orders' })).toThrow(InvalidOptionError);
    expect(() => checkpointer({ streamIdentifier: '123456789012:orders:0' })).toThrow(InvalidOptionError);
    expect(() => checkpointer({ streamIdentifier: 'acct:orders:1700000000' })).toThrow(InvalidOptionError);
  });
});

describe('a consumer on a multi-stream lease table', () => {
  let kinesis: TestKinesis;

  beforeAll(async () => {
    kinesis = await startTestKinesis();
  });

  afterAll(async () => {
    await kinesis.close();
  });

  it("reads every record of its stream with leases under its identifier; the other stream's leases stay as they were", async () => {
    const streamName = uniqueStreamName('multi');
    const identifier = `123456789012:${streamName}:1700000002`;
    await kinesis.createStream(streamName, 2);
    await putTestRecords(kinesis.createClient(), streamName, numberedRecords(60, 16));
    const before = await paymentsItems();
    const leases = checkpointer({ streamIdentifier: identifier });
    const consumer = fromKinesis({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      checkpointer: leases,
      shardFetchRate: 5,
      sleepTimeNoRecords: 20,
    });
    const records = await firstValueFrom(consumer.pipe(checkpoint({ batchSize: 5 }), take(60), toArray()));
    await consumer.stopped();
    expect(new Set(records.map((record) => Buffer.from(record.data).toString())).size).toBe(60);
    const { Items } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    const mine = (Items ?? []).filter((item) => item.streamName?.S === identifier);
    expect(mine.map((item) => [item.leaseKey?.S, item.shardId?.S]).sort()).toEqual([
      [`${identifier}:shardId-000000000000`, 'shardId-000000000000'],
      [`${identifier}:shardId-000000000001`, 'shardId-000000000001'],
    ]);
    for (const item of mine) {
      expect(item.checkpoint?.S).toMatch(/^[0-9]+$/);
      expect(kclFormatProblems(item, true)).toEqual([]);
    }
    for (const item of FIXTURE) expect(kclFormatProblems(item, true)).toEqual([]);
    expect(await paymentsItems()).toEqual(before);
  });
});
