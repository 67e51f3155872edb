// A write that takes a lease (creating its item, taking it free or expired) applied by the table
// while its answer is lost: the worker finds out at once that it holds the lease, instead of
// judging its own lease a live one of "another instance with its worker id" and waiting a
// failover time before anyone reads the shard. Faults come from a proxy in front of the test
// DynamoDB that closes the connection after the table applied the write.
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { DynamoDBRequestError } from '../../../src/checkpointers/dynamodb/errors/DynamoDBRequestError.js';
import { uniqueTableName } from '../../support/dynamodb.js';
import { useDynamoDBFaultProxy } from '../../support/useDynamoDBFaultProxy.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';
const FAILOVER_MS = 10_000;
const TAKE_TOKEN = 'rxjsKinesisTakeToken';

/** Checkpointers whose requests go through the fault proxy. */
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

/** Free lease item of SHARD (held once by `worker-b`, released). */
async function releasedLease(tableName: string): Promise<void> {
  const other = worker(tableName);
  const lease = await other.acquireLease(STREAM, SHARD, 'worker-b');
  if (lease === undefined) throw new Error('expected the free lease');
  await other.releaseLease(lease);
}

/** Nobody else can take the lease: it is live. */
async function expectNotToBeHad(tableName: string): Promise<void> {
  await expect(worker(tableName).acquireLease(STREAM, SHARD, 'worker-c')).resolves.toBeUndefined();
}

describe('DynamoDBCheckpointer: a lease take whose answer was lost', () => {
  it('taking a released lease: the write landed, the retry failed against it; the worker holds the lease at once', async () => {
    const tableName = uniqueTableName('lost-take');
    await releasedLease(tableName);
    const before = Number((await readItem(tableName)).leaseCounter?.N);
    const a = worker(tableName);
    fixture.proxy.loseAnswers('UpdateItem', 1);

    const lease = await a.acquireLease(STREAM, SHARD, 'worker-a');

    expect(lease).toMatchObject({ streamName: STREAM, shardId: SHARD, owner: 'worker-a' });
    const item = await readItem(tableName);
    expect(item.leaseOwner).toEqual({ S: 'worker-a' });
    expect(item.leaseCounter).toEqual({ N: String(before + 1) }); // one take, not two
    if (lease === undefined) return;
    // The lease goes on: its next write is conditioned on the counter the take set, and settles
    // the take (its token is removed).
    await expect(a.checkpoint(lease, { sequenceNumber: '42' })).resolves.toBe(true);
    expect((await readItem(tableName))[TAKE_TOKEN]).toBeUndefined();
    await expectNotToBeHad(tableName);
  });

  it('taking over an expired lease: the same, with the previous owner named in the item no more', async () => {
    const tableName = uniqueTableName('lost-steal');
    let clock = 1_000_000;
    const b = worker(tableName);
    await expect(b.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toBeDefined();
    // worker-a sees worker-b's counter stand still for a failover time: expired.
    const a = worker(tableName, { now: () => clock });
    await expect(a.acquireLease(STREAM, SHARD, 'worker-a')).resolves.toBeUndefined();
    clock += FAILOVER_MS + 1;
    fixture.proxy.loseAnswers('UpdateItem', 1);

    const lease = await a.acquireLease(STREAM, SHARD, 'worker-a');

    expect(lease).toMatchObject({ owner: 'worker-a' });
    expect((await readItem(tableName)).leaseOwner).toEqual({ S: 'worker-a' });
    if (lease !== undefined) await expect(a.renewLease(lease)).resolves.toMatchObject({ token: lease.token });
  });

  it("creating a shard's lease item: the item was put, its answer lost", async () => {
    const tableName = uniqueTableName('lost-create');
    const a = worker(tableName);
    await a.listLeases(STREAM); // the table exists: the next PutItem is the lease item's
    fixture.proxy.loseAnswers('PutItem', 1);

    const lease = await a.acquireLease(STREAM, SHARD, 'worker-a');

    expect(lease).toMatchObject({ owner: 'worker-a' });
    expect(await readItem(tableName)).toMatchObject({
      leaseOwner: { S: 'worker-a' },
      leaseCounter: { N: '1' },
    });
    if (lease !== undefined) await expect(a.checkpoint(lease, { sequenceNumber: '7' })).resolves.toBe(true);
  });

  it('no answer at all (the call gave up after its attempts): the take is read back and found to have won', async () => {
    const tableName = uniqueTableName('lost-all');
    await releasedLease(tableName);
    const a = worker(tableName, { maxAttempts: 3 });
    // The first attempt is applied; the retries fail their condition against it; no answer arrives.
    fixture.proxy.loseAnswers('UpdateItem', 3);

    const lease = await a.acquireLease(STREAM, SHARD, 'worker-a');

    expect(lease).toMatchObject({ owner: 'worker-a' });
    if (lease !== undefined) await expect(a.checkpoint(lease, { sequenceNumber: '9' })).resolves.toBe(true);
  });

  it('another instance with the same worker id took the lease meanwhile: that is not mistaken for our write', async () => {
    const tableName = uniqueTableName('lost-same-id');
    await releasedLease(tableName);
    const first = worker(tableName);
    const second = worker(tableName);
    let secondLease: Awaited<ReturnType<DynamoDBCheckpointer['acquireLease']>>;
    // The first instance's write never reaches the table; the second takes the lease before the
    // first one's retry, which then fails its condition: same owner, same counter, not its write.
    fixture.proxy.dropRequest('UpdateItem', async () => {
      secondLease = await second.acquireLease(STREAM, SHARD, 'worker-a');
    });

    await expect(first.acquireLease(STREAM, SHARD, 'worker-a')).resolves.toBeUndefined();

    expect(secondLease).toMatchObject({ owner: 'worker-a' });
    if (secondLease !== undefined)
      await expect(second.checkpoint(secondLease, { sequenceNumber: '5' })).resolves.toBe(true);
  });

  it('a take still on its way when it was read back: the call fails, and the next acquire knows the lease is its own', async () => {
    const tableName = uniqueTableName('lost-late');
    await releasedLease(tableName);
    const a = worker(tableName, { maxAttempts: 3, requestTimeout: 1000 });
    const held = fixture.proxy.hold('UpdateItem');
    fixture.proxy.dropRequest('UpdateItem');
    fixture.proxy.dropRequest('UpdateItem');

    // The request times out on the client, its retries never reach the table, and the read-back
    // shows the lease still free.
    await expect(a.acquireLease(STREAM, SHARD, 'worker-a')).rejects.toBeInstanceOf(DynamoDBRequestError);
    await held.reached;
    await held.release(); // ... and then the table applies it
    expect((await readItem(tableName)).leaseOwner).toEqual({ S: 'worker-a' });

    // The take was worker-a's: through the same checkpointer, another worker id gets nothing.
    await expect(a.acquireLease(STREAM, SHARD, 'worker-z')).resolves.toBeUndefined();
    // Seen for the first time, a live lease of worker-a's looks like another instance's; but its
    // token is the lost take's: the lease is taken again at once, not after a failover time.
    const lease = await a.acquireLease(STREAM, SHARD, 'worker-a');

    expect(lease).toMatchObject({ owner: 'worker-a' });
    if (lease !== undefined) await expect(a.checkpoint(lease, { sequenceNumber: '3' })).resolves.toBe(true);
    await expectNotToBeHad(tableName);
  });
});

describe('DynamoDBCheckpointer.close(): a lease take still unsettled', () => {
  /** worker-a's take of the released lease: its call fails, and only then the table applies it. */
  async function lateTake(tableName: string, a: DynamoDBCheckpointer): Promise<{ counter: number }> {
    const before = Number((await readItem(tableName)).leaseCounter?.N);
    const held = fixture.proxy.hold('UpdateItem');
    fixture.proxy.dropRequest('UpdateItem');
    fixture.proxy.dropRequest('UpdateItem');
    await expect(a.acquireLease(STREAM, SHARD, 'worker-a')).rejects.toBeInstanceOf(DynamoDBRequestError);
    await held.reached;
    await held.release();
    const item = await readItem(tableName);
    expect(item.leaseOwner).toEqual({ S: 'worker-a' });
    expect(item.leaseCounter).toEqual({ N: String(before + 1) });
    return { counter: before + 1 };
  }

  it('that landed after its call gave up is read back and released: the closed worker leaves no lease to run out', async () => {
    const tableName = uniqueTableName('close-lost');
    await releasedLease(tableName);
    const a = worker(tableName, { maxAttempts: 3, requestTimeout: 1000 });
    const { counter } = await lateTake(tableName, a);

    await a.close();

    const item = await readItem(tableName);
    expect(item.leaseOwner).toBeUndefined();
    expect(item[TAKE_TOKEN]).toBeUndefined();
    expect(item.leaseCounter).toEqual({ N: String(counter + 1) });
    // Free at once for a worker that never saw it before (no failover time to wait).
    await expect(worker(tableName).acquireLease(STREAM, SHARD, 'worker-c')).resolves.toMatchObject({
      owner: 'worker-c',
    });
  });

  it('that another write overtook is left alone: the lease stays with its holder', async () => {
    const tableName = uniqueTableName('close-overtaken');
    await releasedLease(tableName);
    const a = worker(tableName, { maxAttempts: 3, requestTimeout: 1000 });
    await lateTake(tableName, a);
    // A clock a failover time ahead: worker-d sees worker-a's take as expired and takes the lease.
    let clock = 1_000_000;
    const d = worker(tableName, { now: () => clock });
    await expect(d.acquireLease(STREAM, SHARD, 'worker-d')).resolves.toBeUndefined();
    clock += FAILOVER_MS + 1;
    const lease = await d.acquireLease(STREAM, SHARD, 'worker-d');
    expect(lease).toMatchObject({ owner: 'worker-d' });

    await a.close();

    expect((await readItem(tableName)).leaseOwner).toEqual({ S: 'worker-d' });
    if (lease !== undefined) await expect(d.checkpoint(lease, { sequenceNumber: '8' })).resolves.toBe(true);
  });
});
