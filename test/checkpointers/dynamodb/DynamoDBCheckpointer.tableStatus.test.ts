// A lease table being updated (UPDATING: a capacity change, a billing-mode switch, an index being
// added) serves reads and writes, and the KCL uses it as it is: so does the checkpointer. A table
// still being created is waited for (up to 120 s, longer than callTimeout) but not past close();
// one being deleted is created again once gone (when the checkpointer may create tables).
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { LeaseTableNotActiveError } from '../../../src/checkpointers/dynamodb/errors/LeaseTableNotActiveError.js';
import { CheckpointerClosedError } from '../../../src/checkpointers/errors/CheckpointerClosedError.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { timersStarted } from '../../support/timersStarted.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';

// Long enough for a checkpointer that waits for ACTIVE to give up first (in virtual time).
const UPDATING_MS = 10_000;
/** How long a table stays CREATING where a checkpointer's wait for it must give up (in real time). */
const CREATING_MS = 30_000;

let dynamo: TestDynamoDB;
let client: DynamoDBClient;
const updating: string[] = [];

beforeAll(async () => {
  dynamo = await startTestDynamoDB({ updateTableMs: UPDATING_MS });
  client = dynamo.createClient();
});

afterAll(async () => {
  // The embedded server's update timers keep the process alive until the tables are ACTIVE again.
  for (const table of updating) await waitForActive(table, UPDATING_MS + 60_000);
  await dynamo.close();
});

async function statusOf(table: string): Promise<string | undefined> {
  return (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
}

async function waitForActive(table: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while ((await statusOf(table)) !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error(`table ${table} not ACTIVE within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A provisioned table, as a KCL application's often is, whose capacity is being changed. */
async function createUpdatingTable(table: string, hashKey: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    }),
  );
  await waitForActive(table, 30_000);
  updating.push(table);
  await client.send(
    new UpdateTableCommand({
      TableName: table,
      ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 10 },
    }),
  );
  expect(await statusOf(table)).toBe('UPDATING');
}

describe('DynamoDBCheckpointer with a table being updated', () => {
  it('uses an UPDATING lease table and workers table at once, as the KCL does', async () => {
    const table = uniqueTableName('updating');
    await createUpdatingTable(table, 'leaseKey');
    await createUpdatingTable(`${table}-workers`, 'workerId');
    // Virtual time: a checkpointer that waited for ACTIVE would give up at once, not after minutes.
    let clock = Date.now();
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: table,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    try {
      const lease = await checkpointer.acquireLease(STREAM, SHARD, 'worker-1');
      if (lease === undefined) throw new Error('expected the lease');
      await checkpointer.checkpoint(lease, {
        sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      });
      expect(await checkpointer.liveWorkers(STREAM)).toEqual([]);
    } finally {
      await checkpointer.close();
    }
  });

  it('stops waiting for a table being created when closed: the call fails, no lease is taken', async () => {
    // Tables of this server stay CREATING long after close() is called.
    const creating = await startTestDynamoDB({ createTableMs: 5_000 });
    const table = uniqueTableName('creating');
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: creating.endpoint,
      region: creating.region,
      credentials: creating.credentials,
      tableName: table,
    });
    const reader = creating.createClient();
    try {
      const acquiring = checkpointer.acquireLease(STREAM, SHARD, 'worker-1').then(
        (lease) => lease,
        (error: unknown) => error,
      );
      const statusNow = async () =>
        (
          await reader
            .send(new DescribeTableCommand({ TableName: table }))
            .catch(() => ({ Table: undefined }))
        ).Table?.TableStatus;
      while ((await statusNow()) !== 'CREATING') await new Promise((resolve) => setTimeout(resolve, 20));
      await checkpointer.close();
      expect(await acquiring).toBeInstanceOf(CheckpointerClosedError);
      // The server's timer keeps the process alive until the table is ACTIVE.
      const deadline = Date.now() + 60_000;
      while ((await statusNow()) !== 'ACTIVE') {
        if (Date.now() > deadline) throw new Error(`table ${table} not ACTIVE within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await checkpointer.close();
      await creating.close();
    }
  });

  it('creates the table again once a table being deleted is gone', async () => {
    const deleting = await startTestDynamoDB({ deleteTableMs: 1_000 });
    const table = uniqueTableName('deleting');
    const admin = deleting.createClient();
    const statusNow = async () =>
      (await admin.send(new DescribeTableCommand({ TableName: table })).catch(() => ({ Table: undefined })))
        .Table?.TableStatus;
    await admin.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    while ((await statusNow()) !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 20));
    await admin.send(new DeleteTableCommand({ TableName: table }));
    expect(await statusNow()).toBe('DELETING');
    // Virtual time: a checkpointer that waited for the gone table would give up at once. The wait
    // is bounded by callTimeout, here long enough for the server's 1 s of DELETING.
    let clock = Date.now();
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: deleting.endpoint,
      region: deleting.region,
      credentials: deleting.credentials,
      tableName: table,
      callTimeout: 600_000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    try {
      expect(await checkpointer.acquireLease(STREAM, SHARD, 'worker-1')).toMatchObject({ owner: 'worker-1' });
      expect(await statusNow()).toBe('ACTIVE');
    } finally {
      await checkpointer.close();
      await deleting.close();
    }
  });

  it('waits past callTimeout for a table being created, as creating one on AWS takes 10-20 s', async () => {
    // A consumer's first start: every call that gave up after its callTimeout (failoverTimeMs / 2,
    // 5 s) kept a consumer from starting until its checkpointerTimeoutMs (30 s) ran out.
    const creating = await startTestDynamoDB({ createTableMs: 2_500 });
    const table = uniqueTableName('slow');
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: creating.endpoint,
      region: creating.region,
      credentials: creating.credentials,
      tableName: table,
      callTimeout: 500,
    });
    try {
      await expect(checkpointer.getCheckpoint(STREAM, SHARD)).resolves.toBeUndefined();
      await expect(checkpointer.liveWorkers(STREAM)).resolves.toEqual([]);
    } finally {
      await checkpointer.close();
      await creating.close();
    }
  });

  it.each([
    ['its polls end on time', 0],
    ['a poll sleeps longer than asked (a loaded machine)', 150],
  ])(
    'gives up on a table that stays CREATING for 120 s, retriably, when %s; a later call waits again',
    async (_name, overrunMs) => {
      // Tables of this server stay CREATING far longer than the checkpointer's (virtual) wait: its
      // 120 s are some 250 polls, each a real DescribeTable, about 1.5 s of real time when idle,
      // nearly 4 s on one loaded core and 17 s at a load of 20 on two, so the table is CREATING
      // for 30 s.
      const creating = await startTestDynamoDB({ createTableMs: CREATING_MS });
      const table = uniqueTableName('stuck');
      let clock = Date.now();
      const startedAt = clock;
      const logger = new CaptureLogger();
      const checkpointer = new DynamoDBCheckpointer({
        endpoint: creating.endpoint,
        region: creating.region,
        credentials: creating.credentials,
        tableName: table,
        callTimeout: 2_000,
        logger,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms + overrunMs;
          await new Promise((resolve) => setTimeout(resolve, 1));
        },
      });
      const reader = creating.createClient();
      try {
        const error = await checkpointer.getCheckpoint(STREAM, SHARD).catch((caught: unknown) => caught);
        // The table was still being created when the wait gave up.
        const { Table: after } = await reader.send(new DescribeTableCommand({ TableName: table }));
        expect(after?.TableStatus).toBe('CREATING');
        expect(error).toBeInstanceOf(LeaseTableNotActiveError);
        const notActive = error as LeaseTableNotActiveError;
        expect(notActive.retriable).toBe(true);
        expect(notActive.status).toBe('CREATING');
        expect(notActive.tableName).toBe(table);
        expect(notActive.message).toContain(
          `DynamoDB table "${table}" (stream ${STREAM}) is still CREATING, not ACTIVE, after`,
        );
        // The table wait (less a last poll and its DescribeTable), not callTimeout, and no more.
        expect(notActive.waitedMs).toBeGreaterThanOrEqual(120_000 - 1_500);
        expect(clock - startedAt).toBeLessThanOrEqual(120_000);
        // No DescribeTable was sent with too little time left, aborted and logged as failed.
        expect(logger.messages('error')).toEqual([]);
        const deadline = Date.now() + CREATING_MS + 60_000;
        for (;;) {
          const { Table } = await reader.send(new DescribeTableCommand({ TableName: table }));
          if (Table?.TableStatus === 'ACTIVE') break;
          if (Date.now() > deadline)
            throw new Error(`table ${table} not ACTIVE within ${CREATING_MS + 60_000} ms`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // The failed wait is not remembered: the next call finds the table ACTIVE.
        await expect(checkpointer.getCheckpoint(STREAM, SHARD)).resolves.toBeUndefined();
      } finally {
        await checkpointer.close();
        await creating.close();
      }
    },
  );

  it("ends the wait for a table being created at close(), even while a sleep of the caller's own is pending", async () => {
    const creating = await startTestDynamoDB({ createTableMs: 5_000 });
    const table = uniqueTableName('closing');
    let sleeping = false;
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: creating.endpoint,
      region: creating.region,
      credentials: creating.credentials,
      tableName: table,
      // A sleep that never ends: only close() can end the wait.
      sleep: () => {
        sleeping = true;
        return new Promise<void>(() => undefined);
      },
    });
    const reader = creating.createClient();
    try {
      const reading = checkpointer.getCheckpoint(STREAM, SHARD).catch((caught: unknown) => caught);
      while (!sleeping) await new Promise((resolve) => setTimeout(resolve, 10));
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        checkpointer.close().then(() => 'closed'),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve('still waiting'), 3_000);
        }),
      ]);
      clearTimeout(timer);
      expect(outcome).toBe('closed');
      expect(await reading).toBeInstanceOf(CheckpointerClosedError);
      // The server's timer keeps the process alive until the table is ACTIVE.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { Table } = await reader.send(new DescribeTableCommand({ TableName: table }));
        if (Table?.TableStatus === 'ACTIVE') break;
        if (Date.now() > deadline) throw new Error(`table ${table} not ACTIVE within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await creating.close();
    }
  });

  it('cancels the timer of its own sleep between polls of a table being created at close()', async () => {
    const creating = await startTestDynamoDB({ createTableMs: 5_000 });
    const table = uniqueTableName('sleeping');
    // The default sleep: the checkpointer's own timer between two polls for ACTIVE.
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: creating.endpoint,
      region: creating.region,
      credentials: creating.credentials,
      tableName: table,
    });
    const reader = creating.createClient();
    const timers = timersStarted();
    const pollTimers = async () =>
      (await timers.pending()).filter(
        (where) => /sleep\.[jt]s/.test(where) && where.includes('ensureLeaseTable'),
      );
    try {
      const reading = checkpointer.getCheckpoint(STREAM, SHARD).catch((caught: unknown) => caught);
      const deadline = Date.now() + 30_000;
      while ((await pollTimers()).length === 0) {
        if (Date.now() > deadline) throw new Error('no sleep between polls within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await checkpointer.close();
      expect(await reading).toBeInstanceOf(CheckpointerClosedError);
      expect(await pollTimers()).toEqual([]);
      // The server's timer keeps the process alive until the table is ACTIVE.
      const activeBy = Date.now() + 60_000;
      for (;;) {
        const { Table } = await reader.send(new DescribeTableCommand({ TableName: table }));
        if (Table?.TableStatus === 'ACTIVE') break;
        if (Date.now() > activeBy) throw new Error(`table ${table} not ACTIVE within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      timers.stop();
      await checkpointer.close();
      await creating.close();
    }
  });

  it('creates the lease table and the workers table at once at a first start, not one after the other', async () => {
    const creating = await startTestDynamoDB({ createTableMs: 1_500 });
    const table = uniqueTableName('both');
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: creating.endpoint,
      region: creating.region,
      credentials: creating.credentials,
      tableName: table,
    });
    const reader = creating.createClient();
    const statusNow = async (name: string) =>
      (await reader.send(new DescribeTableCommand({ TableName: name })).catch(() => ({ Table: undefined })))
        .Table?.TableStatus;
    try {
      // A consumer's first call: its heartbeat, to the workers table beside the lease table.
      let done = false;
      const beating = checkpointer.heartbeat(STREAM, 'worker-1').finally(() => {
        done = true;
      });
      const seen = new Set<string>();
      while (!done) {
        const [lease, workers] = await Promise.all([statusNow(table), statusNow(`${table}-workers`)]);
        seen.add(`${String(lease)}/${String(workers)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await beating;
      // Both were being created at the same time (one after the other: never both CREATING).
      expect(seen).toContain('CREATING/CREATING');
      expect(await statusNow(table)).toBe('ACTIVE');
      expect(await statusNow(`${table}-workers`)).toBe('ACTIVE');
    } finally {
      await checkpointer.close();
      await creating.close();
    }
  });

  it('fails for a missing lease table rather than for its missing workers table (createTable: false)', async () => {
    const table = uniqueTableName('neither');
    const checkpointer = new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName: table,
      createTable: false,
    });
    try {
      await expect(checkpointer.heartbeat(STREAM, 'worker-1')).rejects.toMatchObject({
        name: 'LeaseTableMissingError',
        tableName: table,
      });
    } finally {
      await checkpointer.close();
    }
  });
});
