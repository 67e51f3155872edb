// A handoff request whose write takes long to reach the DynamoDB table (a slow network, retries
// after throttling, a stalled event loop). Its owner, draining the shard's records in flight,
// withdraws the request before its deadline as the owner can bound it: at the latest one
// handoff timeout after its last lease snapshot that did not show the request (HandoffDeadlines),
// since the request was stored after that read. The requester must not take the lease over
// before that bound, or it reads the shard while the owner's records are still in flight. The
// requester's clock is not the owner's; both run on one virtual clock here, which only the test
// moves. The requester reaches the table through the fault proxy, which holds its request's write.
import { HandoffDeadlines } from '../../src/consumer/HandoffDeadlines.js';
import { uniqueTableName } from '../support/dynamodb.js';
import { useDynamoDBFaultProxy } from '../support/useDynamoDBFaultProxy.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';
const FAILOVER_MS = 10_000;
/** The DynamoDBCheckpointer's default handoff timeout: the failover time. */
const HANDOFF_MS = FAILOVER_MS;
/** How long the request's write is on its way to the table. */
const WRITE_MS = 3_000;

const fixture = useDynamoDBFaultProxy({ failoverTimeMs: FAILOVER_MS });
const { worker } = fixture;

describe('DynamoDB handoff: a request whose write reaches the table late', () => {
  it("is not taken over by its requester before the owner's bound on its deadline", async () => {
    const tableName = uniqueTableName('slow-request');
    let clock = 1_000_000;
    const now = () => clock;
    const owner = worker(tableName, { now }, true);
    // The held write must not time out (and be sent again) while the owner looks, however loaded
    // the machine: its deadline is far off.
    const requester = worker(tableName, { now, requestTimeout: 120_000, callTimeout: 120_000 });
    let lease = await owner.acquireLease(STREAM, SHARD, 'worker-a');
    if (lease === undefined) throw new Error('expected the free lease');
    await requester.listLeases(STREAM); // the table is known to the requester
    const deadlines = new HandoffDeadlines(owner.handoffTimeoutMs);
    const ownerLooks = async () => {
      const sentAt = clock;
      deadlines.observe(await owner.leaseSnapshot(STREAM), sentAt);
    };
    await ownerLooks();

    // The requester reads the lease and sends its request; the write is held on the way.
    const held = fixture.proxy.hold('UpdateItem');
    const request = requester.requestHandoff(STREAM, SHARD, 'worker-b');
    await held.reached;
    // Meanwhile the owner looks at the leases: the request is not stored yet.
    clock += WRITE_MS;
    await ownerLooks();
    expect(deadlines.of(SHARD)).toBeUndefined();
    // The write lands; the owner sees the request at its next look.
    await held.release();
    await expect(request).resolves.toMatchObject({ status: 'requested', owner: 'worker-a' });
    clock += 500;
    await ownerLooks();
    const bound = deadlines.of(SHARD)?.localDeadline;
    expect(bound).toBeDefined();
    // The owner's bound: one handoff timeout after its look that did not show the request.
    expect(bound).toBe(1_000_000 + WRITE_MS + HANDOFF_MS);

    // The owner keeps its lease live (its records in flight are not done) up to the bound ...
    while (clock + 2_000 < (bound ?? 0)) {
      clock += 2_000;
      lease = await owner.renewLease(lease);
    }
    // ... and the requester, at every moment before it, takes nothing over.
    for (clock = (bound ?? 0) - 1_500; clock < (bound ?? 0); clock += 500)
      await expect(requester.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toBeUndefined();
    // From the bound on, an owner that did not withdraw the request has its lease taken over.
    clock = bound ?? 0;
    await expect(requester.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toMatchObject({
      owner: 'worker-b',
    });
  });
});
