// A write through a held lease whose call gave up can still be applied by the table later (held on
// its way, then sent on), after the next write through the lease read the item and found it not
// there. That next write then fails its condition against the late one, which holds our owner and
// the very counter the next write sets: it must not be taken for the next write. Faults come from
// a proxy in front of the test DynamoDB.
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Lease } from '../../../src/checkpointers/Checkpointer.js';
import type { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { DynamoDBRequestError } from '../../../src/checkpointers/dynamodb/errors/DynamoDBRequestError.js';
import { LeaseLostError } from '../../../src/checkpointers/errors/LeaseLostError.js';
import { uniqueTableName } from '../../support/dynamodb.js';
import { useDynamoDBFaultProxy } from '../../support/useDynamoDBFaultProxy.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';

const FAILOVER_MS = 10_000;
const fixture = useDynamoDBFaultProxy({ failoverTimeMs: FAILOVER_MS });
const { worker } = fixture;

async function readItem(tableName: string): Promise<Record<string, AttributeValue>> {
  const answer = await fixture.dynamo
    .createClient()
    .send(
      new GetItemCommand({ TableName: tableName, Key: { leaseKey: { S: SHARD } }, ConsistentRead: true }),
    );
  return answer.Item ?? {};
}

/**
 * worker-a's lease, and a checkpoint of `late` through it whose call fails (its first request held
 * on its way, its retries dropped): the request is still held when this returns.
 */
async function failedCheckpoint(
  tableName: string,
  late: string,
): Promise<{ a: DynamoDBCheckpointer; lease: Lease; release: () => Promise<void> }> {
  const a = worker(tableName, { maxAttempts: 3, requestTimeout: 1000 });
  const lease = await a.acquireLease(STREAM, SHARD, 'worker-a');
  if (lease === undefined) throw new Error('expected the free lease');
  const held = fixture.proxy.hold('UpdateItem');
  fixture.proxy.dropRequest('UpdateItem');
  fixture.proxy.dropRequest('UpdateItem');
  await expect(a.checkpoint(lease, { sequenceNumber: late })).rejects.toBeInstanceOf(DynamoDBRequestError);
  await held.reached;
  return { a, lease, release: () => held.release() };
}

describe('DynamoDBCheckpointer: a write through a lease applied after its call gave up', () => {
  it('landing while the next checkpoint is under way: that checkpoint is stored, not reported stored on the strength of the late one', async () => {
    const tableName = uniqueTableName('late-checkpoint');
    const { a, lease, release } = await failedCheckpoint(tableName, '42');
    // The checkpoint of 43 reads the item (42 not in it yet); its first request is lost on the
    // way, and meanwhile the table applies the checkpoint of 42; its retry fails its condition.
    fixture.proxy.dropRequest('UpdateItem', release);

    const stored = await a.checkpoint(lease, { sequenceNumber: '43' }).catch(() => false);

    if (stored) expect((await readItem(tableName)).checkpoint).toEqual({ S: '43' });
    // The lease goes on, and 43 is stored.
    await expect(a.checkpoint(lease, { sequenceNumber: '43' })).resolves.toBe(true);
    expect((await readItem(tableName)).checkpoint).toEqual({ S: '43' });
    await expect(a.renewLease(lease)).resolves.toMatchObject({ token: lease.token });
  });

  it('landing while the lease is being released: the lease is released all the same', async () => {
    const tableName = uniqueTableName('late-release');
    const { a, lease, release } = await failedCheckpoint(tableName, '42');
    fixture.proxy.dropRequest('UpdateItem', release);

    await a.releaseLease(lease);

    const item = await readItem(tableName);
    expect(item.leaseOwner).toBeUndefined();
    expect(item.checkpoint).toEqual({ S: '42' });
    // Free at once for a worker that never saw it before.
    await expect(worker(tableName).acquireLease(STREAM, SHARD, 'worker-c')).resolves.toMatchObject({
      owner: 'worker-c',
    });
  });

  it('landing after the lease ran out: the same worker takes the lease again at once', async () => {
    const tableName = uniqueTableName('late-expired');
    let clock = 1_000_000;
    const a = worker(tableName, { maxAttempts: 3, requestTimeout: 1000, now: () => clock });
    const lease = await a.acquireLease(STREAM, SHARD, 'worker-a');
    if (lease === undefined) throw new Error('expected the free lease');
    const held = fixture.proxy.hold('UpdateItem');
    fixture.proxy.dropRequest('UpdateItem');
    fixture.proxy.dropRequest('UpdateItem');
    await expect(a.renewLease(lease)).rejects.toBeInstanceOf(DynamoDBRequestError);
    clock += FAILOVER_MS + 1; // the lease ran out: its holder gave the shard up
    await expect(a.checkpoint(lease, { sequenceNumber: '5' })).rejects.toBeInstanceOf(LeaseLostError);
    await held.reached;
    await held.release(); // ... and then the table applies the renewal
    expect(await readItem(tableName)).toMatchObject({
      leaseOwner: { S: 'worker-a' },
      leaseCounter: { N: '2' },
    });

    // That renewal was this worker's own: its next acquisition is not refused as if another
    // instance with its worker id held the lease (which would leave the shard unread a failover time).
    const again = await a.acquireLease(STREAM, SHARD, 'worker-a');

    expect(again).toMatchObject({ owner: 'worker-a' });
    if (again === undefined) return;
    await expect(a.checkpoint(again, { sequenceNumber: '7' })).resolves.toBe(true);
    await expect(a.renewLease(lease)).rejects.toBeInstanceOf(LeaseLostError); // the old one stays lost
    await expect(worker(tableName).acquireLease(STREAM, SHARD, 'worker-c')).resolves.toBeUndefined();
  });

  it('after the lease ran out, a take by another instance with the same worker id is not taken for ours', async () => {
    const tableName = uniqueTableName('late-same-id');
    let clock = 1_000_000;
    const a = worker(tableName, { maxAttempts: 3, requestTimeout: 1000, now: () => clock });
    const lease = await a.acquireLease(STREAM, SHARD, 'worker-a');
    if (lease === undefined) throw new Error('expected the free lease');
    const twin = worker(tableName, { now: () => clock });
    await expect(twin.acquireLease(STREAM, SHARD, 'worker-a')).resolves.toBeUndefined(); // sees it live
    // worker-a's renewal never reaches the table; its call fails.
    fixture.proxy.dropRequest('UpdateItem');
    fixture.proxy.dropRequest('UpdateItem');
    fixture.proxy.dropRequest('UpdateItem');
    await expect(a.renewLease(lease)).rejects.toBeInstanceOf(DynamoDBRequestError);
    clock += FAILOVER_MS + 1;
    // The twin saw the counter stand still for a failover time: it takes the lease.
    const twinLease = await twin.acquireLease(STREAM, SHARD, 'worker-a');
    expect(twinLease).toMatchObject({ owner: 'worker-a' });
    expect((await readItem(tableName)).leaseCounter).toEqual({ N: '2' });

    await expect(a.acquireLease(STREAM, SHARD, 'worker-a')).resolves.toBeUndefined();
    if (twinLease !== undefined)
      await expect(twin.checkpoint(twinLease, { sequenceNumber: '9' })).resolves.toBe(true);
  });
});
