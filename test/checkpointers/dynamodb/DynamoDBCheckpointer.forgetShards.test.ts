import { randomUUID } from 'node:crypto';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

const LEASE_MS = 6000;

let dynamo: TestDynamoDB;
beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});
afterAll(async () => {
  await dynamo.close();
});

test('a shard forgotten while another process takes its lease: the delete is conditioned on the counter it read', async () => {
  let time = Date.now();
  const tableName = uniqueTableName('forget');
  const open = () =>
    new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName,
      failoverTimeMs: LEASE_MS,
      now: () => time,
    });
  const forgetter = open();
  const taker = open();
  const streamName = `stream-${randomUUID()}`;
  const outcomes = { kept: 0, forgotten: 0 };
  try {
    for (let round = 0; round < 15; round += 1) {
      const shardId = `shardId-${String(round).padStart(12, '0')}`;
      const lease = await forgetter.acquireLease(streamName, shardId, 'worker-a');
      if (lease === undefined) throw new Error('not acquired');
      await forgetter.markShardEnd(lease);
      await forgetter.releaseLease(lease);
      const [taken, forgotten] = await Promise.all([
        taker.acquireLease(streamName, shardId, 'worker-b'),
        forgetter.forgetShards(streamName, [shardId]),
      ]);
      const stored = await taker.getCheckpoint(streamName, shardId);
      if (forgotten.includes(shardId)) {
        // Deleted before the take wrote: the take found nothing (refused) or took a fresh item.
        outcomes.forgotten += 1;
        expect(stored).toBeUndefined();
      } else {
        // The take wrote first: the delete's condition failed, the lease and SHARD_END stay.
        outcomes.kept += 1;
        if (taken === undefined) throw new Error(`round ${round}: kept, yet the take was refused`);
        expect(stored).toEqual({ kind: 'shard-end' });
      }
      if (taken !== undefined) {
        await taker.renewLease(taken);
        await taker.releaseLease(taken);
      }
      time += 1;
    }
    expect(outcomes.kept + outcomes.forgotten).toBe(15);
  } finally {
    await Promise.all([forgetter.close(), taker.close()]);
  }
});

test('keeps a lease another process holds until its counter stood still for the failover time', async () => {
  let time = Date.now();
  const tableName = uniqueTableName('forget');
  const open = () =>
    new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName,
      failoverTimeMs: LEASE_MS,
      now: () => time,
    });
  const holder = open();
  const forgetter = open();
  const streamName = `stream-${randomUUID()}`;
  const shardId = 'shardId-000000000000';
  try {
    const lease = await holder.acquireLease(streamName, shardId, 'worker-a');
    if (lease === undefined) throw new Error('not acquired');
    await holder.markShardEnd(lease);
    // First seen now: live for a whole failover time on the forgetter's clock.
    expect(await forgetter.forgetShards(streamName, [shardId])).toEqual([]);
    time += LEASE_MS - 1;
    expect(await forgetter.forgetShards(streamName, [shardId])).toEqual([]);
    time += 1;
    expect(await forgetter.forgetShards(streamName, [shardId])).toEqual([shardId]);
    expect(await forgetter.listLeases(streamName)).toEqual([]);
  } finally {
    await Promise.all([holder.close(), forgetter.close()]);
  }
});

test('drops what it observed of the handoff requests and reservations of the shards it forgets', async () => {
  const tableName = uniqueTableName('forget');
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName,
    failoverTimeMs: LEASE_MS,
  });
  // The observations are internal: their count is the memory this test bounds.
  const remembered = () =>
    (checkpointer as unknown as { context: { handoffs: { size: number } } }).context.handoffs.size;
  const streamName = `stream-${randomUUID()}`;
  const shardIds = ['shardId-000000000000', 'shardId-000000000001'];
  try {
    await checkpointer.heartbeat(streamName, 'worker-b'); // live: the releases reserve for it
    for (const shardId of shardIds) {
      const lease = await checkpointer.acquireLease(streamName, shardId, 'worker-a');
      if (lease === undefined) throw new Error('not acquired');
      expect(await checkpointer.requestHandoff(streamName, shardId, 'worker-b')).toMatchObject({
        status: 'requested',
      });
      expect(await checkpointer.releaseLease(lease, { handoffTo: 'worker-b' })).toEqual({
        reservedFor: 'worker-b',
      });
    }
    await checkpointer.leaseSnapshot(streamName);
    expect(remembered()).toBeGreaterThan(0);
    expect(await checkpointer.forgetShards(streamName, shardIds)).toEqual(shardIds);
    expect(remembered()).toBe(0);
  } finally {
    await checkpointer.close();
  }
});

test('forgets the lease items it deleted: a later read does not check the table for them', async () => {
  const tableName = uniqueTableName('forget');
  const base = dynamo.createClient();
  const commands: string[] = [];
  const client = {
    send: (command: never, options?: never): Promise<unknown> => {
      commands.push((command as object).constructor.name);
      return base.send(command, options);
    },
  };
  const checkpointer = new DynamoDBCheckpointer({ client, region: dynamo.region, tableName });
  const streamName = `stream-${randomUUID()}`;
  try {
    const shardIds = ['shardId-000000000000', 'shardId-000000000001'];
    for (const shardId of shardIds) {
      const lease = await checkpointer.acquireLease(streamName, shardId, 'worker-a');
      if (lease === undefined) throw new Error('not acquired');
      await checkpointer.markShardEnd(lease);
      await checkpointer.releaseLease(lease);
    }
    expect(await checkpointer.forgetShards(streamName, shardIds)).toEqual(shardIds);
    commands.length = 0;
    expect(await checkpointer.listLeases(streamName)).toEqual([]);
    expect(await checkpointer.getCheckpoint(streamName, shardIds[0] ?? '')).toBeUndefined();
    // Its own deletes are no sign of a table created again: no DescribeTable to confirm it.
    expect(commands).toEqual(['ScanCommand', 'GetItemCommand']);
  } finally {
    await checkpointer.close();
  }
});
