// Workers whose clocks disagree by minutes share one lease table and its workers table. Heartbeats,
// handoff requests and reservations are judged on the observer's clock, from when it saw them
// change, as leases are: a worker's clock being ahead or behind changes nothing.
import { PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { workersTableOf } from '../../../src/checkpointers/dynamodb/WorkerRegistry.js';
import { planLeaseBalance } from '../../../src/checkpointers/planLeaseBalance.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

jest.setTimeout(60_000);

const STREAM = 'orders';
const FAILOVER = 10_000;
const HEARTBEAT = 2_500;
const HANDOFF = 6_000; // more than two heartbeats
const RESERVATION = 5_000;
const MINUTES = 60_000;
const SHARDS = [
  'shardId-000000000000',
  'shardId-000000000001',
  'shardId-000000000002',
  'shardId-000000000003',
];

let dynamo: TestDynamoDB;
let client: DynamoDBClient;
const opened: DynamoDBCheckpointer[] = [];

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
  client = dynamo.createClient();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((cp) => cp.close()));
});

afterAll(async () => {
  await dynamo.close();
});

/** The true time of the test, moved by hand; each worker reads it through its own skew. */
let trueNow = 0;

function advance(ms: number): void {
  trueNow += ms;
}

/** A worker on `table` whose clock is `skewMs` off the true time. */
function workerOn(table: string, skewMs: number): DynamoDBCheckpointer {
  const cp = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: table,
    failoverTimeMs: FAILOVER,
    heartbeatIntervalMs: HEARTBEAT,
    handoffTimeoutMs: HANDOFF,
    handoffReservationMs: RESERVATION,
    now: () => trueNow + skewMs,
  });
  opened.push(cp);
  return cp;
}

beforeEach(() => {
  trueNow = 1_700_000_000_000;
});

describe('DynamoDBCheckpointer with workers whose clocks disagree', () => {
  it.each([5, 30, -5])(
    'counts a worker whose clock is %i minutes off gone about one failover time after it stops heartbeating',
    async (minutes) => {
      const table = uniqueTableName('skew');
      const skewed = workerOn(table, minutes * MINUTES);
      const observer = workerOn(table, 0);
      await skewed.heartbeat(STREAM, 'worker-skewed');
      await observer.heartbeat(STREAM, 'worker-observer');
      expect(await observer.liveWorkers(STREAM)).toEqual(['worker-observer', 'worker-skewed']);
      // worker-skewed crashes; the observer heartbeats on and balances every heartbeat interval.
      for (let elapsed = HEARTBEAT; elapsed < FAILOVER; elapsed += HEARTBEAT) {
        advance(HEARTBEAT);
        await observer.heartbeat(STREAM, 'worker-observer');
        expect(await observer.liveWorkers(STREAM)).toEqual(['worker-observer', 'worker-skewed']);
      }
      advance(HEARTBEAT);
      await observer.heartbeat(STREAM, 'worker-observer');
      expect(await observer.liveWorkers(STREAM)).toEqual(['worker-observer']);
      const snapshot = await observer.leaseSnapshot(STREAM);
      expect(snapshot.liveWorkers).toEqual(['worker-observer']);
      // So the observer's fair share is every shard, not half of them.
      const plan = planLeaseBalance({
        workerId: 'worker-observer',
        openShards: SHARDS,
        leases: snapshot.leases,
        liveWorkers: snapshot.liveWorkers,
        now: snapshot.now,
        ...(snapshot.workerCaps !== undefined ? { workerCaps: snapshot.workerCaps } : {}),
      });
      expect(plan.target).toBe(4);
    },
  );

  it.each([-5, -30])(
    'keeps counting a heartbeating worker whose clock is %i minutes off, with its published cap',
    async (minutes) => {
      const table = uniqueTableName('skew');
      const skewed = workerOn(table, minutes * MINUTES);
      const observer = workerOn(table, 0);
      for (let elapsed = 0; elapsed <= 3 * FAILOVER; elapsed += HEARTBEAT) {
        await skewed.heartbeat(STREAM, 'worker-skewed', { maxShardConsumers: 3 });
        await observer.heartbeat(STREAM, 'worker-observer');
        const snapshot = await observer.leaseSnapshot(STREAM);
        expect(snapshot.liveWorkers).toEqual(['worker-observer', 'worker-skewed']);
        expect(snapshot.workerCaps).toEqual([{ workerId: 'worker-skewed', maxShardConsumers: 3 }]);
        advance(HEARTBEAT);
      }
    },
  );

  it('deletes the item of a worker judged gone, so a worker starting later does not count it either', async () => {
    const table = uniqueTableName('skew');
    const crashed = workerOn(table, 5 * MINUTES);
    const observer = workerOn(table, 0);
    await crashed.heartbeat(STREAM, 'worker-crashed');
    await observer.heartbeat(STREAM, 'worker-observer');
    expect(await observer.liveWorkers(STREAM)).toEqual(['worker-crashed', 'worker-observer']);
    advance(FAILOVER);
    await observer.heartbeat(STREAM, 'worker-observer');
    expect(await observer.liveWorkers(STREAM)).toEqual(['worker-observer']);
    // A worker starting now has never seen worker-crashed's token: it would count it live for a
    // full failover time, had the item been left.
    const late = workerOn(table, -5 * MINUTES);
    expect(await late.liveWorkers(STREAM)).toEqual(['worker-observer']);
    // A worker that was only slow comes back with its next heartbeat.
    await crashed.heartbeat(STREAM, 'worker-crashed');
    expect(await observer.liveWorkers(STREAM)).toEqual(['worker-crashed', 'worker-observer']);
    expect(await late.liveWorkers(STREAM)).toEqual(['worker-crashed', 'worker-observer']);
  });

  it('judges a worker item without a heartbeat token (an earlier version wrote it) by its expiresAt', async () => {
    const table = uniqueTableName('skew');
    const observer = workerOn(table, 0);
    await observer.heartbeat(STREAM, 'worker-observer');
    for (const [workerId, expiresAt] of [
      ['worker-old-live', trueNow + HEARTBEAT],
      ['worker-old-gone', trueNow - 1],
    ] as const)
      await client.send(
        new PutItemCommand({
          TableName: workersTableOf(table),
          Item: { workerId: { S: workerId }, expiresAt: { N: String(expiresAt) } },
        }),
      );
    expect(await observer.liveWorkers(STREAM)).toEqual(['worker-observer', 'worker-old-live']);
    advance(HEARTBEAT);
    expect(await observer.liveWorkers(STREAM)).toEqual(['worker-observer']);
  });

  it('ends a reservation written by an owner whose clock is far ahead after the reservation time', async () => {
    const table = uniqueTableName('skew');
    const owner = workerOn(table, 5 * MINUTES);
    const third = workerOn(table, 0);
    const lease = await owner.acquireLease(STREAM, SHARDS[0]!, 'worker-owner');
    expect(lease).toBeDefined();
    await workerOn(table, 0).heartbeat(STREAM, 'worker-requester');
    // Released for worker-requester, which then crashes before taking it.
    await owner.releaseLease(lease!, { handoffTo: 'worker-requester' });
    expect(await third.acquireLease(STREAM, SHARDS[0]!, 'worker-third')).toBeUndefined();
    const snapshot = await third.leaseSnapshot(STREAM);
    expect(snapshot.leases).toEqual([
      expect.objectContaining({
        shardId: SHARDS[0],
        reservation: { worker: 'worker-requester', until: snapshot.now + RESERVATION },
      }),
    ]);
    advance(RESERVATION - 1);
    expect(await third.acquireLease(STREAM, SHARDS[0]!, 'worker-third')).toBeUndefined();
    advance(1);
    expect(await third.acquireLease(STREAM, SHARDS[0]!, 'worker-third')).toEqual(
      expect.objectContaining({ owner: 'worker-third' }),
    );
  });

  it('ends a reservation a KCL worker kept through its own lease on time, counted from when it was first seen', async () => {
    const table = uniqueTableName('skew');
    const owner = workerOn(table, 5 * MINUTES);
    const third = workerOn(table, 0);
    const lease = await owner.acquireLease(STREAM, SHARDS[0]!, 'worker-owner');
    await workerOn(table, 0).heartbeat(STREAM, 'worker-requester');
    await owner.releaseLease(lease!, { handoffTo: 'worker-requester' }); // which crashes
    expect((await third.leaseSnapshot(STREAM)).leases[0]?.reservation?.worker).toBe('worker-requester');
    // A KCL worker takes the free lease (its take keeps attributes it does not know) and holds it.
    let counter = 2;
    const kclWrite = async (set: string) => {
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { leaseKey: { S: SHARDS[0]! } },
          UpdateExpression: `SET ${set}leaseCounter = :next`,
          ConditionExpression: 'leaseCounter = :counter',
          ExpressionAttributeValues: {
            ':next': { N: String(counter + 1) },
            ':counter': { N: String(counter) },
            ...(set === '' ? {} : { ':kcl': { S: 'kcl-worker' } }),
          },
        }),
      );
      counter += 1;
    };
    await kclWrite('leaseOwner = :kcl, ');
    for (let elapsed = 0; elapsed < 2 * RESERVATION; elapsed += HEARTBEAT) {
      advance(HEARTBEAT);
      await kclWrite('');
      expect((await third.leaseSnapshot(STREAM)).leases[0]?.owner).toBe('kcl-worker');
      expect(await third.requestHandoff(STREAM, SHARDS[0]!, 'worker-third')).toEqual(
        expect.objectContaining({ owner: 'kcl-worker' }),
      );
    }
    // The KCL worker stops; once its lease runs out the long-ended reservation stands in no one's way.
    advance(FAILOVER);
    expect(await third.acquireLease(STREAM, SHARDS[0]!, 'worker-third')).toEqual(
      expect.objectContaining({ owner: 'worker-third' }),
    );
  });

  it('keeps a reservation written by an owner whose clock is far behind for the reservation time', async () => {
    const table = uniqueTableName('skew');
    const owner = workerOn(table, -5 * MINUTES);
    const third = workerOn(table, 0);
    const requester = workerOn(table, 3 * MINUTES);
    const lease = await owner.acquireLease(STREAM, SHARDS[0]!, 'worker-owner');
    await requester.heartbeat(STREAM, 'worker-requester');
    await owner.releaseLease(lease!, { handoffTo: 'worker-requester' });
    expect(await third.acquireLease(STREAM, SHARDS[0]!, 'worker-third')).toBeUndefined();
    advance(RESERVATION - 1);
    expect(await third.acquireLease(STREAM, SHARDS[0]!, 'worker-third')).toBeUndefined();
    expect(await requester.acquireLease(STREAM, SHARDS[0]!, 'worker-requester')).toEqual(
      expect.objectContaining({ owner: 'worker-requester' }),
    );
  });

  it("shows a handoff request from a requester whose clock is far behind to the owner, on the owner's clock", async () => {
    const table = uniqueTableName('skew');
    const owner = workerOn(table, 0);
    const requester = workerOn(table, -5 * MINUTES);
    const lease = await owner.acquireLease(STREAM, SHARDS[0]!, 'worker-owner');
    expect(lease).toBeDefined();
    await requester.heartbeat(STREAM, 'worker-requester');
    const result = await requester.requestHandoff(STREAM, SHARDS[0]!, 'worker-requester');
    expect(result).toEqual({
      status: 'requested',
      owner: 'worker-owner',
      deadline: trueNow - 5 * MINUTES + HANDOFF,
    });
    expect(await owner.pendingHandoffs(STREAM, 'worker-owner')).toEqual([
      {
        streamName: STREAM,
        shardId: SHARDS[0],
        owner: 'worker-owner',
        requester: 'worker-requester',
        deadline: trueNow + HANDOFF,
      },
    ]);
  });

  it('replaces a stale handoff request from a requester whose clock is far ahead after two handoff timeouts', async () => {
    const table = uniqueTableName('skew');
    const owner = workerOn(table, 0);
    const ahead = workerOn(table, 5 * MINUTES);
    const other = workerOn(table, 0);
    let lease = await owner.acquireLease(STREAM, SHARDS[0]!, 'worker-owner');
    expect(lease).toBeDefined();
    expect(await ahead.requestHandoff(STREAM, SHARDS[0]!, 'worker-ahead')).toEqual(
      expect.objectContaining({ status: 'requested' }),
    );
    // worker-ahead crashes; its request stands in other's way for two handoff timeouts of other's clock.
    expect(await other.requestHandoff(STREAM, SHARDS[0]!, 'worker-other')).toEqual(
      expect.objectContaining({ status: 'other-request-pending', requester: 'worker-ahead' }),
    );
    for (let elapsed = 0; elapsed < 2 * HANDOFF; elapsed += 1_000) {
      advance(1_000);
      lease = await owner.renewLease(lease!);
    }
    expect(await other.requestHandoff(STREAM, SHARDS[0]!, 'worker-other')).toEqual({
      status: 'requested',
      owner: 'worker-owner',
      deadline: trueNow + HANDOFF,
    });
  });
});
