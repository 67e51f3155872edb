// A read of another worker's lease item that is slow to come back (a slow network, a busy table, a
// stalled event loop) shows a counter the owner may have written after the read was sent. The
// failover time of that counter counts from when the answer arrived, not from when the read was
// sent: else the lease is judged expired, and taken, while its owner still holds it on its own
// clock (its deadline counts from when it sent its last renewal). The table sits behind the fault
// proxy, which holds the observer's read while the owner renews straight at the table.
import { LeaseLostError } from '../../../src/checkpointers/errors/LeaseLostError.js';
import { uniqueTableName } from '../../support/dynamodb.js';
import { useDynamoDBFaultProxy } from '../../support/useDynamoDBFaultProxy.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';
const FAILOVER_MS = 10_000;

const fixture = useDynamoDBFaultProxy({ failoverTimeMs: FAILOVER_MS });
const { worker } = fixture;

/** Lets the calls just made run up to their requests (the proxy holds them while paused). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('DynamoDBCheckpointer: a slow read of a lease held by another worker', () => {
  it("judges the counter it shows from when the answer came: the lease is not taken before its owner's deadline", async () => {
    const tableName = uniqueTableName('slow-read');
    let clock = 1_000_000;
    const now = () => clock;
    const owner = worker(tableName, { now }, true);
    const observer = worker(tableName, { now });
    const first = await owner.acquireLease(STREAM, SHARD, 'worker-a');
    if (first === undefined) throw new Error('expected the free lease');
    await observer.listLeases(STREAM); // the table is known to the observer

    // The observer looks at the lease; its read is held on the way while the owner renews.
    clock += 5_000;
    fixture.proxy.pause();
    const look = observer.acquireLease(STREAM, SHARD, 'worker-b');
    await settle();
    clock += 1_000;
    const renewed = await owner.renewLease(first); // sent at +6 s: the owner holds it until +16 s
    expect(renewed.expiresAt).toBe(clock + FAILOVER_MS);
    fixture.proxy.resume();
    await expect(look).resolves.toBeUndefined();

    // The owner's next renewals do not get through (say its event loop stalls); the observer
    // looks again before the owner's own deadline: the lease is still the owner's.
    clock = renewed.expiresAt - 500;
    await expect(observer.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toBeUndefined();
    // So the owner, back in time, still holds it.
    const again = await owner.renewLease(renewed);
    expect(again.token).toBe(first.token);

    // Once the counter stood still for a failover time as the observer saw it, it is taken.
    clock += 1_000;
    await expect(observer.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toBeUndefined();
    clock += FAILOVER_MS;
    await expect(observer.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toMatchObject({
      owner: 'worker-b',
    });
    await expect(owner.renewLease(again)).rejects.toBeInstanceOf(LeaseLostError);
  });
});
