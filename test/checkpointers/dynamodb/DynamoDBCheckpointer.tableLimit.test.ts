// A first start creates the lease table and the workers table at once. DynamoDB allows an account
// a limited number of table operations at a time (CreateTable answers LimitExceededException
// beyond it): one creation may be refused while the other goes through. The call fails
// (retriable), the table created stays, and a later call creates the other one.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { LeaseTableMissingError } from '../../../src/checkpointers/dynamodb/errors/LeaseTableMissingError.js';
import { LeaseTableQuotaError } from '../../../src/checkpointers/dynamodb/errors/LeaseTableQuotaError.js';
import { isCheckpointerMisconfigured } from '../../../src/consumer/isCheckpointerMisconfigured.js';
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

// The account's table quota is another LimitExceededException of CreateTable, told apart from too
// many operations at once by DynamoDB's message only: no retry helps it, so the call fails at once.
describe('a creation refused for the account table quota', () => {
  const refusing = (message: string) => {
    const base = dynamo.createClient();
    const creates: string[] = [];
    const client = {
      send: async (command: never, options?: never): Promise<unknown> => {
        const { input } = command as { input: { TableName?: string } };
        if ((command as object).constructor.name === 'CreateTableCommand') {
          creates.push(input.TableName ?? '');
          throw Object.assign(new Error(message), {
            name: 'LimitExceededException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return base.send(command, options);
      },
    };
    return { client, creates };
  };

  it('fails at once with LeaseTableQuotaError, not retriable, saying what to do', async () => {
    const tableName = uniqueTableName('quota');
    const { client, creates } = refusing(
      'Subscriber limit exceeded: There is a limit of 2500 tables per subscriber',
    );
    const lines: string[] = [];
    const record = (message: string, fields?: unknown) =>
      void lines.push(`${message} ${JSON.stringify(fields)}`);
    const checkpointer = new DynamoDBCheckpointer({
      client,
      region: dynamo.region,
      tableName,
      maxAttempts: 5,
      sleep: async () => undefined,
      logger: { debug: record, warn: record, error: record },
    });
    try {
      const error = await checkpointer
        .getCheckpoint('orders', 'shardId-000000000000')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LeaseTableQuotaError);
      // A missing table that cannot be created: a consumer stops at once on it.
      expect(error).toBeInstanceOf(LeaseTableMissingError);
      expect(isCheckpointerMisconfigured(error)).toBe(true);
      expect(error).toMatchObject({
        name: 'LeaseTableQuotaError',
        tableName,
        retriable: false,
        deleted: false,
      });
      const { message } = error as Error;
      expect(message).toContain(`DynamoDB table "${tableName}" (stream orders)`);
      expect(message).toContain('quota of tables');
      expect(message).toContain('delete tables no longer used');
      expect(message).not.toContain('Subscriber limit exceeded');
      // One request: not retried.
      expect(creates).toEqual([tableName]);
      expect(lines.join('\n')).toContain('DynamoDB table quota reached');
      expect(lines.join('\n')).not.toContain('Subscriber limit exceeded');
    } finally {
      await checkpointer.close();
    }
  });

  it('keeps retrying too many table operations at once', async () => {
    const tableName = uniqueTableName('busy');
    const { client, creates } = refusing(
      'Subscriber limit exceeded: Only 50 tables can be created, updated, or deleted simultaneously',
    );
    const checkpointer = new DynamoDBCheckpointer({
      client,
      region: dynamo.region,
      tableName,
      maxAttempts: 3,
      sleep: async () => undefined,
    });
    try {
      await expect(checkpointer.getCheckpoint('orders', 'shardId-000000000000')).rejects.toMatchObject({
        name: 'DynamoDBRequestError',
        operation: 'CreateTable',
        retriable: true,
      });
      expect(creates).toEqual([tableName, tableName, tableName]);
    } finally {
      await checkpointer.close();
    }
  });
});
