// A lease table deleted and created again by someone else between two calls is there, ACTIVE and
// empty: read as it is, every shard the checkpointer knew would start over from its initial
// position unnoticed (LATEST skipping records). Before an item it knew is taken as gone, the
// checkpointer confirms the table is the one it first found (its CreationDateTime, one
// DescribeTable shared by the callers of the moment); another one fails like a deleted table.
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LeaseTableMissingError } from '../../../src/checkpointers/dynamodb/errors/LeaseTableMissingError.js';
import { CheckpointerClosedError } from '../../../src/checkpointers/errors/CheckpointerClosedError.js';
import { uniqueTableName } from '../../support/dynamodb.js';
import { throttled } from '../../support/dynamodbFaultProxy.js';
import { useDynamoDBFaultProxy } from '../../support/useDynamoDBFaultProxy.js';

const STREAM = 'orders';
const shard = (index: number) => `shardId-00000000000${index}`;

const fixture = useDynamoDBFaultProxy();
const { worker } = fixture;
let admin: DynamoDBClient | undefined;
const adminClient = () => (admin ??= fixture.dynamo.createClient());

async function statusOf(table: string): Promise<string | undefined> {
  try {
    return (await adminClient().send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
  } catch (error) {
    if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** Deletes the table and creates it again, empty, as the KCL or a person would. */
async function recreate(table: string): Promise<void> {
  const before = (await adminClient().send(new DescribeTableCommand({ TableName: table }))).Table
    ?.CreationDateTime;
  await adminClient().send(new DeleteTableCommand({ TableName: table }));
  while ((await statusOf(table)) !== undefined) await new Promise((resolve) => setTimeout(resolve, 20));
  // A creation time other than the first table's, even on a server that counts whole seconds.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await adminClient().send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  while ((await statusOf(table)) !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 20));
  const after = (await adminClient().send(new DescribeTableCommand({ TableName: table }))).Table
    ?.CreationDateTime;
  // The embedded server says when a table was created, as DynamoDB does.
  expect(after).toBeInstanceOf(Date);
  expect(after?.getTime()).not.toBe(before?.getTime());
}

const recreated = { name: 'LeaseTableMissingError', deleted: true, recreated: true };

describe('DynamoDBCheckpointer on a lease table deleted and created again by someone else', () => {
  it('fails a checkpoint, a renewal, a read and an acquire of a lease it knew instead of starting over', async () => {
    const table = uniqueTableName('recreated');
    const checkpointer = worker(table);
    const lease = await checkpointer.acquireLease(STREAM, shard(0), 'worker-1');
    if (lease === undefined) throw new Error('expected the lease');
    await checkpointer.checkpoint(lease, { sequenceNumber: '42' });
    const other = await checkpointer.acquireLease(STREAM, shard(1), 'worker-1');
    if (other === undefined) throw new Error('expected the lease');
    await recreate(table);

    const error = await checkpointer.checkpoint(lease, { sequenceNumber: '43' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseTableMissingError);
    expect(error).toMatchObject({ ...recreated, tableName: table, retriable: false });
    expect((error as Error).message).toContain(
      `DynamoDB table "${table}" (stream ${STREAM}, region ${fixture.dynamo.region}) was deleted and created again`,
    );
    await expect(checkpointer.renewLease(other)).rejects.toMatchObject(recreated);
    await expect(checkpointer.getCheckpoint(STREAM, shard(0))).rejects.toMatchObject(recreated);
    await expect(checkpointer.acquireLease(STREAM, shard(0), 'worker-1')).rejects.toMatchObject(recreated);
    await expect(checkpointer.listLeases(STREAM)).rejects.toMatchObject(recreated);
    // Nothing was written to the new table.
    const fresh = worker(table, {}, true);
    await expect(fresh.listLeases(STREAM)).resolves.toEqual([]);
  });

  it('fails a listing that misses the leases it read before', async () => {
    const table = uniqueTableName('relisted');
    const writer = worker(table, {}, true);
    await writer.acquireLease(STREAM, shard(0), 'worker-1');
    const reader = worker(table);
    expect(await reader.listLeases(STREAM)).toHaveLength(1);
    await recreate(table);
    await expect(reader.listLeases(STREAM)).rejects.toMatchObject(recreated);
  });

  it('asks DynamoDB once for the callers of the moment, and only when an item it knew is missing', async () => {
    const table = uniqueTableName('shared');
    const checkpointer = worker(table);
    for (const index of [0, 1, 2]) await checkpointer.acquireLease(STREAM, shard(index), 'worker-1');
    const describes = () => fixture.proxy.seen.get('DescribeTable') ?? 0;
    const before = describes();
    // Items it knew, there: no DescribeTable.
    await checkpointer.getCheckpoint(STREAM, shard(0));
    await checkpointer.listLeases(STREAM);
    // An item it never saw, missing: none either.
    await expect(checkpointer.getCheckpoint(STREAM, shard(5))).resolves.toBeUndefined();
    expect(describes()).toBe(before);
    await recreate(table);
    const reads = await Promise.all(
      [0, 1, 2].map((index) => checkpointer.getCheckpoint(STREAM, shard(index)).catch((e: unknown) => e)),
    );
    for (const error of reads) expect(error).toMatchObject(recreated);
    expect(describes()).toBe(before + 1);
  });

  it('takes a lease item deleted in the same table (forgetShards, by hand) as gone, after one check', async () => {
    const table = uniqueTableName('forgotten');
    const checkpointer = worker(table);
    const lease = await checkpointer.acquireLease(STREAM, shard(0), 'worker-1');
    if (lease === undefined) throw new Error('expected the lease');
    await checkpointer.markShardEnd(lease);
    await checkpointer.releaseLease(lease);
    expect(await checkpointer.forgetShards(STREAM, [shard(0)])).toEqual([shard(0)]);
    const describes = () => fixture.proxy.seen.get('DescribeTable') ?? 0;
    const before = describes();
    await expect(checkpointer.getCheckpoint(STREAM, shard(0))).resolves.toBeUndefined();
    await expect(checkpointer.getCheckpoint(STREAM, shard(0))).resolves.toBeUndefined();
    expect(describes()).toBeLessThanOrEqual(before + 1);
  });

  it('takes a lease another worker forgot as gone in the same table: a throttled check is retried', async () => {
    const table = uniqueTableName('shared-forget');
    const keeper = worker(table);
    const forgetter = worker(table, {}, true);
    const lease = await keeper.acquireLease(STREAM, shard(0), 'worker-1');
    if (lease === undefined) throw new Error('expected the lease');
    await keeper.markShardEnd(lease);
    await keeper.releaseLease(lease);
    expect(await keeper.listLeases(STREAM)).toHaveLength(1);
    expect(await forgetter.forgetShards(STREAM, [shard(0)])).toEqual([shard(0)]);
    const describes = () => fixture.proxy.seen.get('DescribeTable') ?? 0;
    const before = describes();
    fixture.proxy.inject('DescribeTable', throttled, 2);
    // The same table: the lease is gone, nothing fails, for the listing and the read after it.
    await expect(keeper.listLeases(STREAM)).resolves.toEqual([]);
    await expect(keeper.getCheckpoint(STREAM, shard(0))).resolves.toBeUndefined();
    expect(describes()).toBe(before + 3);
  });

  it('ends a check under way at close(): its DescribeTable is aborted, not waited for', async () => {
    const table = uniqueTableName('check-closed');
    // A request deadline far beyond the test's: close() must not wait for it.
    const checkpointer = worker(table, { requestTimeout: 60_000, callTimeout: 120_000 });
    await checkpointer.acquireLease(STREAM, shard(0), 'worker-1');
    await recreate(table);
    const held = fixture.proxy.hold('DescribeTable');
    try {
      const read = checkpointer.getCheckpoint(STREAM, shard(0)).catch((e: unknown) => e);
      await held.reached;
      const startedAt = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        checkpointer.close().then(() => 'closed'),
        new Promise((resolve) => (timer = setTimeout(resolve, 10_000, 'still waiting'))),
      ]);
      clearTimeout(timer);
      expect(closed).toBe('closed');
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(await read).toBeInstanceOf(CheckpointerClosedError);
    } finally {
      await held.release();
    }
  });
});
