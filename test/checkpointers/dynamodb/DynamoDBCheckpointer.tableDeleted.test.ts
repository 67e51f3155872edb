// A lease table (or workers table) deleted while the checkpointer uses it: every call fails at
// once with a LeaseTableMissingError that says so (not retriable), and the table is not created
// again behind the consumer's back, which would restart every shard from its initial position
// unnoticed. A table missing when the checkpointer starts is still created.
import { DeleteTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { LeaseTableMissingError } from '../../../src/checkpointers/dynamodb/errors/LeaseTableMissingError.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';

let dynamo: TestDynamoDB;
let admin: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
  admin = dynamo.createClient();
});

afterAll(async () => {
  await dynamo.close();
});

async function exists(table: string): Promise<boolean> {
  try {
    await admin.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch (error) {
    if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

async function deleteTable(table: string): Promise<void> {
  await admin.send(new DeleteTableCommand({ TableName: table }));
  while (await exists(table)) await new Promise((resolve) => setTimeout(resolve, 20));
}

function open(
  tableName: string,
  extra: { logger?: CaptureLogger; sleep?: (ms: number) => Promise<void> } = {},
): DynamoDBCheckpointer {
  return new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName,
    ...extra,
  });
}

it('fails every call on a lease table deleted mid-run at once, naming table and region, and does not create it again', async () => {
  const table = uniqueTableName('deleted');
  const logger = new CaptureLogger();
  const sleeps: number[] = [];
  const checkpointer = open(table, {
    logger,
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
  });
  try {
    // Created at the first call, as before.
    const lease = await checkpointer.acquireLease(STREAM, SHARD, 'worker-1');
    if (lease === undefined) throw new Error('expected the lease');
    await checkpointer.checkpoint(lease, { sequenceNumber: '42' });
    await deleteTable(table);
    sleeps.length = 0; // the waits for the new table to be ACTIVE
    for (const call of [
      () => checkpointer.checkpoint(lease, { sequenceNumber: '43' }),
      () => checkpointer.renewLease(lease),
      () => checkpointer.getCheckpoint(STREAM, SHARD),
      () => checkpointer.listLeases(STREAM),
    ]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LeaseTableMissingError);
      const missing = error as LeaseTableMissingError;
      expect(missing.retriable).toBe(false);
      expect(missing.deleted).toBe(true);
      expect(missing.tableName).toBe(table);
      expect(missing.region).toBe(dynamo.region);
      expect(missing.context.streamName).toBe(STREAM);
      expect(missing.message).toContain(
        `DynamoDB table "${table}" (stream ${STREAM}, region ${dynamo.region}) was deleted while the checkpointer was using it`,
      );
      expect(missing.message).toContain('the checkpoints and leases it held are gone');
      expect(missing.message).toContain('Restart the consumer');
      expect(missing.message).not.toContain(dynamo.credentials.secretAccessKey);
    }
    expect(sleeps).toEqual([]); // not one retry
    expect(await exists(table)).toBe(false);
    expect(logger.messages('error')).toContain('DynamoDB table deleted while in use');
  } finally {
    await checkpointer.close();
  }
});

it('says a deleted workers table held heartbeats only', async () => {
  const table = uniqueTableName('deleted-workers');
  const checkpointer = open(table);
  try {
    await checkpointer.heartbeat(STREAM, 'worker-1');
    await deleteTable(`${table}-workers`);
    const error = await checkpointer.heartbeat(STREAM, 'worker-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LeaseTableMissingError);
    expect((error as LeaseTableMissingError).deleted).toBe(true);
    expect((error as LeaseTableMissingError).message).toContain(
      `DynamoDB table "${table}-workers" (stream ${STREAM}, region ${dynamo.region}) was deleted while ` +
        "the checkpointer was using it: it held the workers' heartbeats",
    );
    expect(await exists(`${table}-workers`)).toBe(false);
  } finally {
    await checkpointer.close();
  }
});

it('a new checkpointer creates the deleted table again: the shards start over', async () => {
  const table = uniqueTableName('restarted');
  const first = open(table);
  try {
    const lease = await first.acquireLease(STREAM, SHARD, 'worker-1');
    if (lease === undefined) throw new Error('expected the lease');
    await first.checkpoint(lease, { sequenceNumber: '42' });
  } finally {
    await first.close();
  }
  await deleteTable(table);
  const second = open(table);
  try {
    expect(await second.getCheckpoint(STREAM, SHARD)).toBeUndefined();
    expect(await exists(table)).toBe(true);
  } finally {
    await second.close();
  }
});
