// Interoperability with the KCL's lease table: items written as the KCL writes them are read and
// continued, and what the DynamoDBCheckpointer writes is checked against the KCL's format.
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { LeaseTableMissingError } from '../../../src/checkpointers/dynamodb/errors/LeaseTableMissingError.js';
import { LeaseLostError } from '../../../src/checkpointers/errors/LeaseLostError.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { kclFormatProblems } from './kclLeaseFormat.js';

// A call gives up after half the failover time: on a loaded 2-core machine the embedded DynamoDB, in
// this test's own process, took longer than the 350 ms of a 700 ms failover time.
const FAILOVER_MS = 4000;
const STREAM = 'orders';
const SEQ_A = '49590338271490256608559692538361571095921575989136588898';
const SEQ_B = '49590338271490256608559692538361571095921575989136588999';
const MAX_HASH = '340282366920938463463374607431768211455';

type Item = Record<string, AttributeValue>;

/**
 * Lease items exactly as the KCL (2.x, single-stream mode) writes them: lineage in `parentShardId`
 * and `childShardIds` (string sets, absent when empty) and `startingHashKey`/`endingHashKey`.
 */
const KCL_ITEMS: Item[] = [
  {
    leaseKey: { S: 'shardId-000000000000' },
    leaseOwner: { S: 'kcl-worker-1' },
    leaseCounter: { N: '42' },
    checkpoint: { S: SEQ_A },
    checkpointSubSequenceNumber: { N: '0' },
    ownerSwitchesSinceCheckpoint: { N: '0' },
    startingHashKey: { S: '0' },
    endingHashKey: { S: '170141183460469231731687303715884105727' },
  },
  {
    leaseKey: { S: 'shardId-000000000001' },
    leaseCounter: { N: '7' },
    checkpoint: { S: 'SHARD_END' },
    checkpointSubSequenceNumber: { N: '0' },
    ownerSwitchesSinceCheckpoint: { N: '0' },
    childShardIds: { SS: ['shardId-000000000002'] },
    startingHashKey: { S: '170141183460469231731687303715884105728' },
    endingHashKey: { S: MAX_HASH },
  },
  {
    leaseKey: { S: 'shardId-000000000002' },
    leaseCounter: { N: '1' },
    checkpoint: { S: 'TRIM_HORIZON' },
    checkpointSubSequenceNumber: { N: '0' },
    ownerSwitchesSinceCheckpoint: { N: '0' },
    parentShardId: { SS: ['shardId-000000000001'] },
    startingHashKey: { S: '170141183460469231731687303715884105728' },
    endingHashKey: { S: MAX_HASH },
    // A KCL 2.x two-phase checkpoint prepared and never committed: a checkpoint clears it.
    pendingCheckpoint: { S: SEQ_A },
    pendingCheckpointSubSequenceNumber: { N: '0' },
  },
  {
    leaseKey: { S: 'shardId-000000000003' },
    leaseCounter: { N: '3' },
    checkpointOwner: { S: 'kcl3-worker-7' }, // KCL 3.x: a graceful handoff that never finished
    checkpoint: { S: SEQ_B },
    checkpointSubSequenceNumber: { N: '5' },
    ownerSwitchesSinceCheckpoint: { N: '2' },
  },
];

let dynamo: TestDynamoDB;
let client: DynamoDBClient;
let table: string;
let checkpointer: DynamoDBCheckpointer;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readItem(shardId: string): Promise<Item> {
  const answer = await client.send(
    new GetItemCommand({ TableName: table, Key: { leaseKey: { S: shardId } }, ConsistentRead: true }),
  );
  if (answer.Item === undefined) throw new Error(`no item for ${shardId}`);
  return answer.Item;
}

/** A KCL worker's renewal: increment leaseCounter, conditional on the counter and owner it holds. */
async function kclRenew(shardId: string, owner: string, counter: number): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { leaseKey: { S: shardId } },
      UpdateExpression: 'SET leaseCounter = :next',
      ConditionExpression: 'leaseCounter = :counter AND leaseOwner = :owner',
      ExpressionAttributeValues: {
        ':next': { N: String(counter + 1) },
        ':counter': { N: String(counter) },
        ':owner': { S: owner },
      },
    }),
  );
}

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
  client = dynamo.createClient();
});

afterAll(async () => {
  await dynamo.close();
});

beforeEach(async () => {
  table = uniqueTableName('kcl-app');
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // A new table is CREATING for a while (longer on a loaded machine): write once it is ACTIVE.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') break;
    if (Date.now() > deadline) throw new Error(`table ${table} not ACTIVE within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const item of KCL_ITEMS) await client.send(new PutItemCommand({ TableName: table, Item: item }));
  checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: table,
    createTable: false,
    failoverTimeMs: FAILOVER_MS,
  });
});

afterEach(async () => {
  await checkpointer.close();
});

describe('DynamoDBCheckpointer with a KCL lease table', () => {
  it("reads the KCL's checkpoints and sentinels", async () => {
    // Sub-sequence 0: the record's first user record done (all of a plain record), as the KCL
    // reads it: resume at the record and skip that one.
    expect(await checkpointer.getCheckpoint(STREAM, 'shardId-000000000000')).toEqual({
      kind: 'position',
      position: { sequenceNumber: SEQ_A, subSequenceNumber: 0 },
    });
    expect(await checkpointer.getCheckpoint(STREAM, 'shardId-000000000001')).toEqual({ kind: 'shard-end' });
    expect(await checkpointer.getCheckpoint(STREAM, 'shardId-000000000002')).toBeUndefined();
    expect(await checkpointer.getCheckpoint(STREAM, 'shardId-000000000003')).toEqual({
      kind: 'position',
      position: { sequenceNumber: SEQ_B, subSequenceNumber: 5 },
    });
  });

  it('leaves a lease alone while the KCL worker keeps moving its counter, and takes it once it stops', async () => {
    const shard = 'shardId-000000000000';
    // First sight of an owned lease: live for a full failover time.
    expect(await checkpointer.acquireLease(STREAM, shard, 'rx-worker')).toBeUndefined();
    await sleep(FAILOVER_MS / 2);
    await kclRenew(shard, 'kcl-worker-1', 42);
    await sleep(FAILOVER_MS / 2 + 100);
    // Past the first sighting's failover time, but the counter moved since: still live.
    expect(await checkpointer.acquireLease(STREAM, shard, 'rx-worker')).toBeUndefined();
    await sleep(FAILOVER_MS + 100);
    const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker');
    expect(lease).toMatchObject({ owner: 'rx-worker', shardId: shard });
    const item = await readItem(shard);
    expect(item).toMatchObject({
      leaseOwner: { S: 'rx-worker' },
      leaseCounter: { N: '44' },
      ownerSwitchesSinceCheckpoint: { N: '1' },
      checkpoint: { S: SEQ_A },
      startingHashKey: { S: '0' },
    });
    // The KCL worker's stale renewal fails its condition: it can no longer hold the shard.
    await expect(kclRenew(shard, 'kcl-worker-1', 43)).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
  });

  it('writes checkpoints, SHARD_END and releases in the KCL format', async () => {
    const shard = 'shardId-000000000002';
    const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker');
    if (lease === undefined) throw new Error('expected the free lease');
    expect(await readItem(shard)).toMatchObject({ leaseCounter: { N: '2' }, leaseOwner: { S: 'rx-worker' } });

    expect(await checkpointer.checkpoint(lease, { sequenceNumber: SEQ_A })).toBe(true);
    expect(await readItem(shard)).toEqual({
      leaseKey: { S: shard },
      leaseOwner: { S: 'rx-worker' },
      leaseCounter: { N: '3' },
      checkpoint: { S: SEQ_A },
      // The whole record: above every user record's sub-sequence number, so a KCL worker skips
      // all of it, aggregated or not.
      checkpointSubSequenceNumber: { N: '9007199254740991' },
      ownerSwitchesSinceCheckpoint: { N: '0' },
      parentShardId: { SS: ['shardId-000000000001'] },
      startingHashKey: { S: '170141183460469231731687303715884105728' },
      endingHashKey: { S: MAX_HASH },
    });

    // Items 0..3 of an aggregated record: the KCL's own sub-sequence semantics.
    expect(await checkpointer.checkpoint(lease, { sequenceNumber: SEQ_B, subSequenceNumber: 3 })).toBe(true);
    expect(await readItem(shard)).toMatchObject({
      checkpoint: { S: SEQ_B },
      checkpointSubSequenceNumber: { N: '3' },
    });

    await checkpointer.markShardEnd(lease);
    await checkpointer.releaseLease(lease);
    const ended = await readItem(shard);
    expect(ended).toMatchObject({ checkpoint: { S: 'SHARD_END' }, leaseCounter: { N: '6' } });
    expect(ended.leaseOwner).toBeUndefined();
  });

  it('takes a free lease without counting an owner switch, as the KCL does', async () => {
    // The KCL adds 1 to ownerSwitchesSinceCheckpoint only when the lease had another owner.
    const lease = await checkpointer.acquireLease(STREAM, 'shardId-000000000003', 'rx-worker');
    if (lease === undefined) throw new Error('expected the free lease');
    expect(await readItem('shardId-000000000003')).toMatchObject({
      leaseOwner: { S: 'rx-worker' },
      leaseCounter: { N: '4' },
      ownerSwitchesSinceCheckpoint: { N: '2' },
    });
    await checkpointer.releaseLease(lease);
    expect(await checkpointer.acquireLease(STREAM, 'shardId-000000000003', 'rx-worker-2')).toBeDefined();
    expect(await readItem('shardId-000000000003')).toMatchObject({
      ownerSwitchesSinceCheckpoint: { N: '2' },
    });
  });

  it("leaves alone the KCL's other entities kept in its lease table (KCL 3.5 single-table mode)", async () => {
    // A KCL 3.5 application keeps its worker metrics and coordinator state as items of the lease
    // table, told apart from leases by `entityType` (a lease has none, or LEASE).
    const others: Item[] = [
      {
        leaseKey: { S: 'Migration3.0' },
        entityType: { S: 'CLIENT_VERSION_MIGRATION' },
        cv: { S: 'CLIENT_VERSION_3X' },
      },
      { leaseKey: { S: 'TableMigration3.5' }, entityType: { S: 'TABLE_MIGRATION' } },
      {
        leaseKey: { S: 'kcl-worker-1' },
        entityType: { S: 'WORKER_METRIC_STATS' },
        lut: { N: '1700000000' },
      },
    ];
    for (const item of others) await client.send(new PutItemCommand({ TableName: table, Item: item }));
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...KCL_ITEMS[1], leaseKey: { S: 'shardId-000000000004' }, entityType: { S: 'LEASE' } },
      }),
    );
    expect((await checkpointer.listLeases(STREAM)).map((info) => info.shardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
  });

  it('takes a lease item that has no leaseCounter yet (a checkpoint seeded by hand)', async () => {
    const shard = 'shardId-000000000005';
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { leaseKey: { S: shard }, checkpoint: { S: SEQ_B }, checkpointSubSequenceNumber: { N: '0' } },
      }),
    );
    const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker');
    expect(lease).toMatchObject({ owner: 'rx-worker', shardId: shard });
    const item = await readItem(shard);
    expect(item).toMatchObject({
      leaseOwner: { S: 'rx-worker' },
      leaseCounter: { N: '1' },
      ownerSwitchesSinceCheckpoint: { N: '0' },
      checkpoint: { S: SEQ_B },
    });
    // The KCL reads it now: it cannot read an item without a counter or an owner switch count.
    expect(kclFormatProblems(item)).toEqual([]);
    expect(await checkpointer.getCheckpoint(STREAM, shard)).toEqual({
      kind: 'position',
      position: { sequenceNumber: SEQ_B, subSequenceNumber: 0 },
    });
  });

  it('takes a lease item whose leaseCounter is not a number (edited by hand), and forgets one', async () => {
    const shard = 'shardId-000000000005';
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          leaseKey: { S: shard },
          leaseCounter: { S: '5' },
          checkpoint: { S: SEQ_B },
          checkpointSubSequenceNumber: { N: '0' },
          ownerSwitchesSinceCheckpoint: { N: '0' },
        },
      }),
    );
    // Never to be had before: the take was conditioned on a number the item did not hold.
    const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker');
    expect(lease).toMatchObject({ owner: 'rx-worker', shardId: shard });
    const item = await readItem(shard);
    expect(item).toMatchObject({ leaseOwner: { S: 'rx-worker' }, leaseCounter: { N: '1' } });
    expect(kclFormatProblems(item)).toEqual([]);
    expect(await checkpointer.checkpoint(lease!, { sequenceNumber: SEQ_B })).toBe(true);

    const gone = 'shardId-000000000006';
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { leaseKey: { S: gone }, leaseCounter: { S: 'x' }, checkpoint: { S: 'SHARD_END' } },
      }),
    );
    expect(await checkpointer.forgetShards(STREAM, [gone])).toEqual([gone]);
    const answer = await client.send(
      new GetItemCommand({ TableName: table, Key: { leaseKey: { S: gone } }, ConsistentRead: true }),
    );
    expect(answer.Item).toBeUndefined();
  });

  it('takes a lease item whose ownerSwitchesSinceCheckpoint is not a number (edited by hand)', async () => {
    let clock = Date.now();
    const timed = new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: table,
      createTable: false,
      failoverTimeMs: FAILOVER_MS,
      now: () => clock,
    });
    try {
      const held = 'shardId-000000000005';
      const free = 'shardId-000000000006';
      for (const [shard, owner] of [
        [held, { leaseOwner: { S: 'stopped-worker' } }],
        [free, {}],
      ] as const)
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              leaseKey: { S: shard },
              ...owner,
              leaseCounter: { N: '3' },
              ownerSwitchesSinceCheckpoint: { S: 'two' },
              checkpoint: { S: SEQ_B },
              checkpointSubSequenceNumber: { N: '0' },
            },
          }),
        );
      expect(await timed.acquireLease(STREAM, free, 'rx-worker')).toMatchObject({ owner: 'rx-worker' });
      expect(await timed.acquireLease(STREAM, held, 'rx-worker')).toBeUndefined(); // live until seen still
      clock += FAILOVER_MS + 1;
      // Taking it over from its owner failed every time: a number cannot be added to a string.
      expect(await timed.acquireLease(STREAM, held, 'rx-worker')).toMatchObject({ owner: 'rx-worker' });
      for (const [shard, switches] of [
        [free, '0'],
        [held, '1'],
      ] as const) {
        const item = await readItem(shard);
        expect(item).toMatchObject({ ownerSwitchesSinceCheckpoint: { N: switches } });
        expect(kclFormatProblems(item)).toEqual([]);
      }
    } finally {
      await timed.close();
    }
  });

  it('warns once of a checkpoint it cannot read (edited by hand), which reads as no checkpoint', async () => {
    const logger = new CaptureLogger();
    const watched = new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: table,
      createTable: false,
      failoverTimeMs: FAILOVER_MS,
      logger,
    });
    try {
      const unreadable: [string, AttributeValue, string][] = [
        ['shardId-000000000005', { S: `${SEQ_A} ` }, 'S'],
        ['shardId-000000000006', { N: '4959033827149025660855969253836157' }, 'N'],
      ];
      for (const [shard, checkpoint] of unreadable)
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { leaseKey: { S: shard }, leaseCounter: { N: '1' }, checkpoint },
          }),
        );
      for (const [shard] of unreadable) {
        expect(await watched.getCheckpoint(STREAM, shard)).toBeUndefined();
        expect(await watched.getCheckpoint(STREAM, shard)).toBeUndefined();
      }
      await watched.listLeases(STREAM);
      // The KCL's own items (sequence numbers, sentinels, SHARD_END) are read without a word.
      const warnings = logger.lines.filter((line) => line.level === 'warn');
      expect(warnings.map((line) => line.details)).toEqual(
        unreadable.map(([shardId, checkpoint, type]) => ({
          tableName: table,
          streamName: STREAM,
          shardId,
          type,
          checkpoint: checkpoint.S ?? checkpoint.N,
        })),
      );
      expect(warnings[0]?.message).toMatch(/neither a sequence number nor a KCL sentinel/);
    } finally {
      await watched.close();
    }
  });

  it('never puts the KCL ahead of unprocessed items: item 0 of an aggregated record keeps the KCL pair', async () => {
    const shard = 'shardId-000000000003';
    const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker');
    if (lease === undefined) throw new Error('expected the free lease');
    const next = (BigInt(SEQ_B) + 1n).toString();
    expect(await checkpointer.checkpoint(lease, { sequenceNumber: next, subSequenceNumber: 0 })).toBe(true);
    // A KCL worker resumes from (SEQ_B, 5): it replays the rest of that record and all of `next`.
    expect(await readItem(shard)).toMatchObject({
      checkpoint: { S: SEQ_B },
      checkpointSubSequenceNumber: { N: '5' },
    });
    expect(await checkpointer.getCheckpoint(STREAM, shard)).toEqual({
      kind: 'position',
      position: { sequenceNumber: next, subSequenceNumber: 0 },
    });
    expect(await checkpointer.checkpoint(lease, { sequenceNumber: next, subSequenceNumber: 1 })).toBe(true);
    const item = await readItem(shard);
    expect(item).toMatchObject({ checkpoint: { S: next }, checkpointSubSequenceNumber: { N: '1' } });
    expect(Object.keys(item).filter((name) => name.startsWith('rxjsKinesis'))).toEqual([]);
  });

  it('writes item 0 of an aggregated record in the KCL pair over a start sentinel, so a KCL worker never starts at LATEST past it', async () => {
    // A KCL application's LATEST lease that never checkpointed, and one an earlier write of item 0
    // left with the sentinel in the pair.
    const latest = 'shardId-000000000020';
    const earlier = 'shardId-000000000021';
    const base = {
      leaseCounter: { N: '4' },
      checkpoint: { S: 'LATEST' },
      checkpointSubSequenceNumber: { N: '0' },
      ownerSwitchesSinceCheckpoint: { N: '0' },
    };
    await client.send(new PutItemCommand({ TableName: table, Item: { ...base, leaseKey: { S: latest } } }));
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...base, leaseKey: { S: earlier }, rxjsKinesisFirstItemDone: { S: SEQ_A } },
      }),
    );
    for (const [shard, sequenceNumber] of [
      [latest, SEQ_A],
      [earlier, SEQ_B],
    ] as const) {
      const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker');
      if (lease === undefined) throw new Error('expected the free lease');
      expect(await checkpointer.checkpoint(lease, { sequenceNumber, subSequenceNumber: 0 })).toBe(true);
      // A KCL worker resumes at the record and skips its first user record only.
      const item = await readItem(shard);
      expect(item).toMatchObject({
        checkpoint: { S: sequenceNumber },
        checkpointSubSequenceNumber: { N: '0' },
      });
      expect(item.rxjsKinesisFirstItemDone).toBeUndefined();
      expect(await checkpointer.getCheckpoint(STREAM, shard)).toEqual({
        kind: 'position',
        position: { sequenceNumber, subSequenceNumber: 0 },
      });
      // Once the pair holds a position, item 0 of the next record leaves it there again.
      const next = (BigInt(sequenceNumber) + 1n).toString();
      expect(await checkpointer.checkpoint(lease, { sequenceNumber: next, subSequenceNumber: 0 })).toBe(true);
      expect(await readItem(shard)).toMatchObject({
        checkpoint: { S: sequenceNumber },
        rxjsKinesisFirstItemDone: { S: next },
      });
    }
  });

  it('loses its lease to a KCL worker that took the shard over, and never checkpoints it again', async () => {
    const shard = 'shardId-000000000002';
    const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker');
    if (lease === undefined) throw new Error('expected the free lease');
    // A KCL worker takes the lease (as its lease taker does: conditional on the counter it saw).
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { leaseKey: { S: shard } },
        UpdateExpression: 'SET leaseOwner = :owner, leaseCounter = :next',
        ConditionExpression: 'leaseCounter = :counter',
        ExpressionAttributeValues: {
          ':owner': { S: 'kcl-worker-2' },
          ':counter': { N: '2' },
          ':next': { N: '3' },
        },
      }),
    );
    const error = await checkpointer.checkpoint(lease, { sequenceNumber: SEQ_A }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as LeaseLostError).actualOwner).toBe('kcl-worker-2');
    expect(await readItem(shard)).toMatchObject({
      checkpoint: { S: 'TRIM_HORIZON' },
      leaseCounter: { N: '3' },
    });
  });

  it("reads the KCL's lineage back: parents, children and hash key ranges", async () => {
    const leases = await checkpointer.listLeases(STREAM);
    expect(leases.map((lease) => [lease.shardId, lease.lineage])).toEqual([
      [
        'shardId-000000000000',
        { hashKeyRange: { startingHashKey: '0', endingHashKey: '170141183460469231731687303715884105727' } },
      ],
      [
        'shardId-000000000001',
        {
          childShardIds: ['shardId-000000000002'],
          hashKeyRange: {
            startingHashKey: '170141183460469231731687303715884105728',
            endingHashKey: MAX_HASH,
          },
        },
      ],
      [
        'shardId-000000000002',
        {
          parentShardIds: ['shardId-000000000001'],
          hashKeyRange: {
            startingHashKey: '170141183460469231731687303715884105728',
            endingHashKey: MAX_HASH,
          },
        },
      ],
      ['shardId-000000000003', undefined],
    ]);
  });

  it('creates a lease with its lineage as the KCL does, and records the children with SHARD_END in one write', async () => {
    const shard = 'shardId-000000000004';
    const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker', {
      parentShardIds: ['shardId-000000000003', 'shardId-000000000000'],
      hashKeyRange: { startingHashKey: '0', endingHashKey: MAX_HASH },
    });
    if (lease === undefined) throw new Error('expected a new lease');
    // The KCL's format: parentShardId a string set, the range as two decimal strings.
    expect(await readItem(shard)).toEqual({
      leaseKey: { S: shard },
      leaseOwner: { S: 'rx-worker' },
      leaseCounter: { N: '1' },
      checkpoint: { S: 'TRIM_HORIZON' },
      checkpointSubSequenceNumber: { N: '0' },
      ownerSwitchesSinceCheckpoint: { N: '0' },
      parentShardId: { SS: ['shardId-000000000000', 'shardId-000000000003'] },
      startingHashKey: { S: '0' },
      endingHashKey: { S: MAX_HASH },
      // Not the KCL's (it ignores it): the token of the write that took the lease, removed by
      // the holder's next write.
      rxjsKinesisTakeToken: { S: expect.any(String) },
    });
    expect(await checkpointer.checkpoint(lease, { sequenceNumber: SEQ_A })).toBe(true);
    await checkpointer.markShardEnd(lease, {
      childShardIds: ['shardId-000000000006', 'shardId-000000000005'],
    });
    const ended = await readItem(shard);
    expect(ended).toMatchObject({
      checkpoint: { S: 'SHARD_END' },
      leaseCounter: { N: '3' }, // creation 1, checkpoint 2, SHARD_END and children 3
      childShardIds: { SS: ['shardId-000000000005', 'shardId-000000000006'] },
      parentShardId: { SS: ['shardId-000000000000', 'shardId-000000000003'] },
      startingHashKey: { S: '0' },
    });
  });

  it("never overwrites the KCL's lineage; fills in what a lease lacks when it takes it", async () => {
    // Shard 2 has the KCL's parents and range: different ones passed are ignored.
    const kclLineage = await checkpointer.acquireLease(STREAM, 'shardId-000000000002', 'rx-worker', {
      parentShardIds: ['shardId-999999999999'],
      hashKeyRange: { startingHashKey: '1', endingHashKey: '2' },
    });
    if (kclLineage === undefined) throw new Error('expected the free lease');
    await checkpointer.markShardEnd(kclLineage, { childShardIds: ['shardId-000000000007'] });
    await checkpointer.releaseLease(kclLineage);
    expect(await readItem('shardId-000000000002')).toMatchObject({
      parentShardId: { SS: ['shardId-000000000001'] },
      startingHashKey: { S: '170141183460469231731687303715884105728' },
      endingHashKey: { S: MAX_HASH },
      childShardIds: { SS: ['shardId-000000000007'] },
    });
    // Shard 1 ended with its children recorded by the KCL: a second SHARD_END keeps them.
    const ended = await checkpointer.acquireLease(STREAM, 'shardId-000000000001', 'rx-worker');
    if (ended === undefined) throw new Error('expected the free lease');
    await checkpointer.markShardEnd(ended, { childShardIds: ['shardId-000000000009'] });
    expect((await readItem('shardId-000000000001')).childShardIds).toEqual({ SS: ['shardId-000000000002'] });
    // Shard 3 has no lineage: the acquiring write adds it (one write: counter 3 -> 4).
    const bare = await checkpointer.acquireLease(STREAM, 'shardId-000000000003', 'rx-worker', {
      parentShardIds: [],
      hashKeyRange: { startingHashKey: '0', endingHashKey: MAX_HASH },
    });
    expect(bare).toBeDefined();
    const filled = await readItem('shardId-000000000003');
    expect(filled).toMatchObject({
      leaseCounter: { N: '4' },
      startingHashKey: { S: '0' },
      endingHashKey: { S: MAX_HASH },
      checkpoint: { S: SEQ_B },
      checkpointSubSequenceNumber: { N: '5' },
    });
    expect(filled.parentShardId).toBeUndefined(); // no parents: no empty set, as the KCL writes it
    expect(filled.checkpointOwner).toBeUndefined(); // removed by the take, as the KCL's take does
  });

  it('writes LATEST in the leases it creates when told to, and reads the start sentinels as no position', async () => {
    const latest = new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: table,
      initialPosition: 'LATEST',
    });
    try {
      const lease = await latest.acquireLease(STREAM, 'shardId-000000000010', 'rx-worker');
      expect(lease).toBeDefined();
      expect((await readItem('shardId-000000000010')).checkpoint).toEqual({ S: 'LATEST' });
      expect(await latest.getCheckpoint(STREAM, 'shardId-000000000010')).toBeUndefined();
      // A child of a shard the table has a lease of starts at TRIM_HORIZON, as the KCL starts it.
      await latest.acquireLease(STREAM, 'shardId-000000000011', 'rx-worker', {
        parentShardIds: ['shardId-000000000001'],
      });
      expect((await readItem('shardId-000000000011')).checkpoint).toEqual({ S: 'TRIM_HORIZON' });
      // A child of shards never leased here (a LATEST application skipped them): LATEST.
      await latest.acquireLease(STREAM, 'shardId-000000000012', 'rx-worker', {
        parentShardIds: ['shardId-000000000099'],
      });
      expect((await readItem('shardId-000000000012')).checkpoint).toEqual({ S: 'LATEST' });
      for (const sentinel of ['TRIM_HORIZON', 'AT_TIMESTAMP']) {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              leaseKey: { S: `shardId-${sentinel}` },
              leaseCounter: { N: '1' },
              checkpoint: { S: sentinel },
              checkpointSubSequenceNumber: { N: '0' },
              ownerSwitchesSinceCheckpoint: { N: '0' },
            },
          }),
        );
        expect(await latest.getCheckpoint(STREAM, `shardId-${sentinel}`)).toBeUndefined();
      }
    } finally {
      await latest.close();
    }
  });

  it('leaves every item in a form the KCL reads, through a whole lease life', async () => {
    const shard = 'shardId-000000000005';
    const lease = await checkpointer.acquireLease(STREAM, shard, 'rx-worker', {
      parentShardIds: ['shardId-000000000003'],
      hashKeyRange: { startingHashKey: '5', endingHashKey: '6' },
    });
    if (lease === undefined) throw new Error('expected a new lease');
    const seen: Item[] = [await readItem(shard)];
    await checkpointer.checkpoint(lease, { sequenceNumber: SEQ_A, subSequenceNumber: 0 });
    seen.push(await readItem(shard));
    await checkpointer.checkpoint(lease, { sequenceNumber: SEQ_A, subSequenceNumber: 3 });
    seen.push(await readItem(shard));
    await checkpointer.renewLease(lease);
    await checkpointer.releaseLease(lease, { handoffTo: 'rx-worker-2' });
    seen.push(await readItem(shard));
    const next = await checkpointer.acquireLease(STREAM, shard, 'rx-worker-2');
    if (next === undefined) throw new Error('expected the reserved lease');
    await checkpointer.markShardEnd(next, { childShardIds: ['shardId-000000000008'] });
    seen.push(await readItem(shard));
    for (const item of seen) expect(kclFormatProblems(item)).toEqual([]);
    expect(seen.at(-1)).toMatchObject({
      ownerSwitchesSinceCheckpoint: { N: '0' },
      checkpoint: { S: 'SHARD_END' },
    });
    expect(seen[3]?.leaseOwner).toBeUndefined();
    // And the fixture itself, as the KCL wrote it, passes the same reader.
    for (const item of KCL_ITEMS) expect(kclFormatProblems(item)).toEqual([]);
  });

  it('fails with LeaseTableMissingError when the table is missing and createTable is false', async () => {
    const missing = new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: uniqueTableName('missing'),
      createTable: false,
    });
    try {
      const error = await missing.getCheckpoint(STREAM, 'shardId-000000000000').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LeaseTableMissingError);
      expect((error as LeaseTableMissingError).retriable).toBe(false);
    } finally {
      await missing.close();
    }
  });
});
