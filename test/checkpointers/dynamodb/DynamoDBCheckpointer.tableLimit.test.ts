// A first start creates the lease table and the workers table at once. DynamoDB allows an account
// a limited number of table operations at a time (CreateTable answers LimitExceededException
// beyond it): one creation may be refused while the other goes through. The call fails
// (retriable), the table created stays, and a later call creates the other one.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

let dynamo: TestDynamoDB;
beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});
afterAll(async () => {
  await dynamo.close();
});

it('recovers from a refused creation of one of the two tables at the next call', async () => {
  const tableName = uniqueTableName('limit');
  const workersTable = `${tableName}-workers`;
  const base = dynamo.createClient();
  let refuse = true;
  const client = {
    send: async (command: never, options?: never): Promise<unknown> => {
      const { input } = command as { input: { TableName?: string } };
      const name = (command as object).constructor.name;
      if (refuse && name === 'CreateTableCommand' && input.TableName === workersTable)
        throw Object.assign(new Error('Too many tables being created at once'), {
          name: 'LimitExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      return base.send(command, options);
    },
  };
  const checkpointer = new DynamoDBCheckpointer({
    client,
    region: dynamo.region,
    tableName,
    maxAttempts: 2,
    sleep: async () => undefined,
  });
  const statusOf = async (name: string) =>
    (await base.send(new DescribeTableCommand({ TableName: name })).catch(() => ({ Table: undefined }))).Table
      ?.TableStatus;
  try {
    await expect(checkpointer.heartbeat('orders', 'worker-1')).rejects.toMatchObject({
      name: 'DynamoDBRequestError',
      operation: 'CreateTable',
      tableName: workersTable,
      retriable: true,
    });
    expect(await statusOf(tableName)).toBe('ACTIVE');
    expect(await statusOf(workersTable)).toBeUndefined();
    // The lease table is usable meanwhile.
    expect(await checkpointer.acquireLease('orders', 'shardId-000000000000', 'worker-1')).toBeDefined();
    refuse = false;
    await expect(checkpointer.heartbeat('orders', 'worker-1')).resolves.toEqual(expect.any(Number));
    expect(await statusOf(workersTable)).toBe('ACTIVE');
    expect(await checkpointer.liveWorkers('orders')).toEqual(['worker-1']);
  } finally {
    await checkpointer.close();
  }
});
