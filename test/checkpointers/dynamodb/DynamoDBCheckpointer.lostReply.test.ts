// A write whose answer is lost (a timeout, a dropped connection) after it reached the table is
// retried; the retry's condition then fails against the write itself. That is not a lost lease.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { LeaseLostError } from '../../../src/checkpointers/errors/LeaseLostError.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

/**
 * A real client whose next `lostAnswers` UpdateItem requests reach the table and are applied,
 * but answer with a dropped connection (which callDynamoDB retries). `onLost` runs each time.
 */
function lossyClient(real: DynamoDBClient) {
  const state = { lostAnswers: 0, onLost: (): void => undefined };
  const client = {
    send: async (command: { constructor: { name: string } }, options: unknown) => {
      const answer = await (real.send as (c: unknown, o: unknown) => Promise<unknown>)(command, options);
      if (state.lostAnswers > 0 && command.constructor.name === 'UpdateItemCommand') {
        state.lostAnswers -= 1;
        state.onLost();
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return answer;
    },
    destroy: () => undefined,
  };
  return { client: client as unknown as DynamoDBClient, state };
}

async function setup(now?: () => number, maxAttempts?: number) {
  const { client, state } = lossyClient(dynamo.createClient());
  const tableName = uniqueTableName('lost-reply');
  const checkpointer = new DynamoDBCheckpointer({
    client,
    tableName,
    failoverTimeMs: 10_000,
    sleep: async () => undefined,
    ...(now !== undefined ? { now } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  });
  const lease = await checkpointer.acquireLease(STREAM, SHARD, 'worker-a');
  if (lease === undefined) throw new Error('expected the free lease');
  const readItem = async () => {
    const reader = dynamo.createClient();
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const answer = await reader.send(
      new GetItemCommand({ TableName: tableName, Key: { leaseKey: { S: SHARD } }, ConsistentRead: true }),
    );
    return answer.Item ?? {};
  };
  return { checkpointer, lease, state, readItem };
}

describe('DynamoDBCheckpointer when a write landed but its answer was lost', () => {
  it('a renewal is a renewal, not a lost lease', async () => {
    const { checkpointer, lease, state, readItem } = await setup();
    try {
      state.lostAnswers = 1;
      const renewed = await checkpointer.renewLease(lease);
      expect(renewed).toMatchObject({ token: lease.token, owner: 'worker-a' });
      expect((await readItem()).leaseCounter).toEqual({ N: '2' });
      // The lease goes on: the next write is conditioned on the counter the lost write set.
      await expect(checkpointer.checkpoint(renewed, { sequenceNumber: '42' })).resolves.toBe(true);
      expect((await readItem()).leaseCounter).toEqual({ N: '3' });
    } finally {
      await checkpointer.close();
    }
  });

  it('a checkpoint is stored and reported stored', async () => {
    const { checkpointer, lease, state } = await setup();
    try {
      state.lostAnswers = 1;
      await expect(checkpointer.checkpoint(lease, { sequenceNumber: '42' })).resolves.toBe(true);
      expect(await checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '42' },
      });
      // Still never backwards, and still ours.
      await expect(checkpointer.checkpoint(lease, { sequenceNumber: '41' })).resolves.toBe(false);
      await expect(checkpointer.checkpoint(lease, { sequenceNumber: '43' })).resolves.toBe(true);
    } finally {
      await checkpointer.close();
    }
  });

  it('SHARD_END is written once and the lease stays held', async () => {
    const { checkpointer, lease, state } = await setup();
    try {
      state.lostAnswers = 1;
      await expect(checkpointer.markShardEnd(lease)).resolves.toBeUndefined();
      expect(await checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({ kind: 'shard-end' });
      await expect(checkpointer.renewLease(lease)).resolves.toMatchObject({ token: lease.token });
    } finally {
      await checkpointer.close();
    }
  });

  it('a release for a handoff is reported reserved for the requester, as the table has it', async () => {
    const { checkpointer, lease, state, readItem } = await setup();
    try {
      await checkpointer.heartbeat(STREAM, 'worker-b'); // the requester is live
      state.lostAnswers = 1;
      await expect(checkpointer.releaseLease(lease, { handoffTo: 'worker-b' })).resolves.toEqual({
        reservedFor: 'worker-b',
      });
      const item = await readItem();
      expect(item.leaseOwner).toBeUndefined();
      expect(item.leaseCounter).toEqual({ N: '2' }); // released once
      expect(item.rxjsKinesisReservedFor).toEqual({ S: 'worker-b' });
      await expect(checkpointer.acquireLease(STREAM, SHARD, 'worker-c')).resolves.toBeUndefined();
      await expect(checkpointer.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toMatchObject({
        owner: 'worker-b',
      });
    } finally {
      await checkpointer.close();
    }
  });

  it('a handoff request is reported requested, not as one made before', async () => {
    const { checkpointer, state, readItem } = await setup();
    try {
      state.lostAnswers = 1;
      const result = await checkpointer.requestHandoff(STREAM, SHARD, 'worker-b');
      expect(result).toMatchObject({ status: 'requested', owner: 'worker-a' });
      expect((await readItem()).rxjsKinesisHandoffRequester).toEqual({ S: 'worker-b' });
      await expect(checkpointer.requestHandoff(STREAM, SHARD, 'worker-b')).resolves.toMatchObject({
        status: 'already-requested',
      });
    } finally {
      await checkpointer.close();
    }
  });

  it('past the lease deadline the same answer is a lost lease (another instance of the worker id may hold it)', async () => {
    let clock = 1_000_000;
    const { checkpointer, lease, state } = await setup(() => clock);
    try {
      clock += 7_000; // 3 s of the 10 s lease left; the call may take 5 s (failoverTimeMs / 2)
      state.lostAnswers = 1;
      state.onLost = () => {
        clock += 4_000; // the retry, and the read after it, happen after the lease deadline
      };
      await expect(checkpointer.renewLease(lease)).rejects.toBeInstanceOf(LeaseLostError);
      // The item shows that renewal of ours (no other instance's take): the worker's next
      // acquisition gets the lease at once, not after a failover time.
      await expect(checkpointer.acquireLease(STREAM, SHARD, 'worker-a')).resolves.toMatchObject({
        owner: 'worker-a',
      });
    } finally {
      await checkpointer.close();
    }
  });

  it('a call that gave up after its write landed: the next write is not taken for that one', async () => {
    // One attempt per call: the checkpoint of 42 lands, its answer is lost, and the call fails.
    const { checkpointer, lease, state } = await setup(undefined, 1);
    try {
      state.lostAnswers = 1;
      await expect(checkpointer.checkpoint(lease, { sequenceNumber: '42' })).rejects.toMatchObject({
        name: 'DynamoDBRequestError',
      });
      // The table holds 42. A checkpoint of 43 reported stored must be stored.
      const stored = await checkpointer.checkpoint(lease, { sequenceNumber: '43' }).catch(() => false);
      if (stored)
        expect(await checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({
          kind: 'position',
          position: { sequenceNumber: '43' },
        });
      // And the lease goes on: a retry of 43 stores it.
      await expect(checkpointer.checkpoint(lease, { sequenceNumber: '43' })).resolves.toBe(true);
      expect(await checkpointer.getCheckpoint(STREAM, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '43' },
      });
    } finally {
      await checkpointer.close();
    }
  });
});
