// A write through a held lease whose call gave up can still be applied by the table later (held on
// its way, then sent on), after the next write through the lease read the item and found it not
// there. That next write then fails its condition against the late one, which holds our owner and
// the very counter the next write sets: it must not be taken for the next write. Faults come from
// a proxy in front of the test DynamoDB.
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Lease } from '../../../src/checkpointers/Checkpointer.js';
import type { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { DynamoDBRequestError } from '../../../src/checkpointers/dynamodb/errors/DynamoDBRequestError.js';
import { uniqueTableName } from '../../support/dynamodb.js';
import { useDynamoDBFaultProxy } from '../../support/useDynamoDBFaultProxy.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';

const fixture = useDynamoDBFaultProxy({ failoverTimeMs: 10_000 });
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
});
