// A checkpointer failure that no retry mends (here: a DynamoDB lease table that does not exist,
// with createTable: false, as when continuing a KCL application's table, or a table keyed
// otherwise than a lease table) stops the consumer at
// once with CheckpointerMisconfiguredError, instead of retrying it for checkpointerTimeoutMs and
// then calling the checkpointer unreachable. A store that is down is still retried.
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { firstValueFrom, materialize, toArray } from 'rxjs';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { LeaseTableKeyError } from '../../src/checkpointers/dynamodb/errors/LeaseTableKeyError.js';
import { LeaseTableMissingError } from '../../src/checkpointers/dynamodb/errors/LeaseTableMissingError.js';
import { LeaseTablePermissionError } from '../../src/checkpointers/dynamodb/errors/LeaseTablePermissionError.js';
import { CheckpointerMisconfiguredError } from '../../src/consumer/errors/CheckpointerMisconfiguredError.js';
import { CheckpointerUnavailableError } from '../../src/consumer/errors/CheckpointerUnavailableError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { errorAfterLeaseAcquired } from '../support/errorAfterLeaseAcquired.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startDynamoDBFaultProxy } from '../support/dynamodbFaultProxy.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(90_000);

let dynamo: TestDynamoDB;
let kinesis: TestKinesis;

beforeAll(async () => {
  [dynamo, kinesis] = await Promise.all([startTestDynamoDB(), startTestKinesis()]);
});

afterAll(async () => {
  await Promise.all([dynamo.close(), kinesis.close()]);
});

it('stops at once, naming the missing lease table, rather than retrying for checkpointerTimeoutMs', async () => {
  const streamName = uniqueStreamName('no-table');
  await kinesis.createStream(streamName, 1);
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName: uniqueTableName('missing'),
    createTable: false,
  });
  try {
    const consumer = fromKinesis({ streamName, client: kinesis.createClient(), checkpointer });
    const startedAt = Date.now();
    const notifications = await firstValueFrom(consumer.pipe(checkpoint(), materialize(), toArray()));
    const elapsedMs = Date.now() - startedAt;
    await consumer.stopped();
    expect(notifications).toHaveLength(1);
    const error: unknown = notifications[0]?.error;
    expect(error).toBeInstanceOf(CheckpointerMisconfiguredError);
    // Code written for the unreachable case handles this one too.
    expect(error).toBeInstanceOf(CheckpointerUnavailableError);
    const misconfigured = error as CheckpointerMisconfiguredError;
    expect(misconfigured.cause).toBeInstanceOf(LeaseTableMissingError);
    expect(misconfigured.retriable).toBe(false);
    expect(misconfigured.message).toMatch(
      /refused a call that retrying cannot mend.*does not exist and createTable is false/,
    );
    expect(misconfigured.context.streamName).toBe(streamName);
    // The default checkpointerTimeoutMs is 30 s; a loaded machine still answers within 20.
    expect(elapsedMs).toBeLessThan(20_000);
  } finally {
    await checkpointer.close();
  }
});

it('stops at once when the lease table has another key than leaseKey (not a KCL lease table)', async () => {
  const streamName = uniqueStreamName('wrong-key');
  await kinesis.createStream(streamName, 1);
  const tableName = uniqueTableName('wrong-key');
  const client = dynamo.createClient();
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName,
  });
  try {
    // A failure taken for an outage would end the reading after this long, unreachable.
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      checkpointerTimeoutMs: 2_000,
    });
    const notifications = await firstValueFrom(consumer.pipe(checkpoint(), materialize(), toArray()));
    await consumer.stopped();
    const error: unknown = notifications[0]?.error;
    expect(error).toBeInstanceOf(CheckpointerMisconfiguredError);
    const cause = (error as CheckpointerMisconfiguredError).cause;
    expect(cause).toBeInstanceOf(LeaseTableKeyError);
    expect((cause as LeaseTableKeyError).retriable).toBe(false);
    expect((cause as LeaseTableKeyError).message).toContain(
      `DynamoDB table "${tableName}" (stream ${streamName}) has the key id (S), not leaseKey (S)`,
    );
  } finally {
    await checkpointer.close();
  }
});

it('stops at once when the lease table is deleted while it runs, saying the checkpoints are gone', async () => {
  const streamName = uniqueStreamName('table-deleted');
  await kinesis.createStream(streamName, 1);
  const tableName = uniqueTableName('deleted');
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName,
  });
  const admin = dynamo.createClient();
  try {
    // A failure taken for an outage would end the reading only after this long, unreachable.
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      checkpointerTimeoutMs: 60_000,
    });
    const { error, elapsedMs } = await errorAfterLeaseAcquired(consumer, () =>
      admin.send(new DeleteTableCommand({ TableName: tableName })),
    );
    expect(error).toBeInstanceOf(CheckpointerMisconfiguredError);
    const cause = (error as CheckpointerMisconfiguredError).cause;
    expect(cause).toBeInstanceOf(LeaseTableMissingError);
    expect((cause as LeaseTableMissingError).deleted).toBe(true);
    expect((error as CheckpointerMisconfiguredError).message).toContain(
      `DynamoDB table "${tableName}" (stream ${streamName}, region ${dynamo.region}) was deleted while the checkpointer was using it`,
    );
    // Well before checkpointerTimeoutMs (60 s): the next renewal (every 2.5 s) fails at once.
    expect(elapsedMs).toBeLessThan(30_000);
  } finally {
    await checkpointer.close();
  }
});

it('stops at once when DescribeTable is refused (AccessDenied), naming the permission it needs', async () => {
  const streamName = uniqueStreamName('no-describe');
  await kinesis.createStream(streamName, 1);
  const proxy = await startDynamoDBFaultProxy(dynamo.endpoint);
  // A policy that allows the item requests but not DescribeTable, as AWS answers it.
  const identity = 'arn:aws:iam::123456789012:user/consumer';
  proxy.inject(
    'DescribeTable',
    {
      kind: 'answer',
      status: 400,
      body: JSON.stringify({
        __type: 'com.amazon.coral.service#AccessDeniedException',
        Message: `User: ${identity} is not authorized to perform: dynamodb:DescribeTable`,
      }),
    },
    1_000,
  );
  const tableName = uniqueTableName('no-describe');
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: proxy.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName,
  });
  try {
    // Taken for an outage, it would be retried this long.
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      checkpointerTimeoutMs: 20_000,
    });
    const startedAt = Date.now();
    const notifications = await firstValueFrom(consumer.pipe(checkpoint(), materialize(), toArray()));
    const elapsedMs = Date.now() - startedAt;
    await consumer.stopped();
    const error: unknown = notifications[0]?.error;
    expect(error).toBeInstanceOf(CheckpointerMisconfiguredError);
    const cause = (error as CheckpointerMisconfiguredError).cause;
    expect(cause).toBeInstanceOf(LeaseTablePermissionError);
    const refused = cause as LeaseTablePermissionError;
    expect(refused.retriable).toBe(false);
    expect(refused).toMatchObject({
      tableName,
      operation: 'DescribeTable',
      permission: 'dynamodb:DescribeTable',
    });
    expect(refused.message).toContain(
      `DynamoDB refused DescribeTable on table "${tableName}" (stream ${streamName}, region ${dynamo.region})`,
    );
    expect(refused.message).toContain('needs the permission dynamodb:DescribeTable on that table');
    expect(refused.message).not.toContain(identity);
    expect(elapsedMs).toBeLessThan(15_000);
  } finally {
    await checkpointer.close();
    await proxy.close();
  }
});

describe.each(['DescribeTable', 'UpdateItem', 'PutItem', 'GetItem', 'Scan'])(
  'a request refused (AccessDenied): %s',
  (operation) => {
    it('stops at once naming the permission, the caller identity in no error, log line or event', async () => {
      const streamName = uniqueStreamName('no-items');
      await kinesis.createStream(streamName, 1);
      const tableName = uniqueTableName('no-items');
      // The tables set up beforehand, so only the item requests reach the proxy's refusal.
      const setUp = new DynamoDBCheckpointer({
        endpoint: dynamo.endpoint,
        region: dynamo.region,
        credentials: dynamo.credentials,
        tableName,
      });
      await setUp.heartbeat(streamName, 'set-up');
      await setUp.leaveGroup(streamName, 'set-up');
      await setUp.close();
      const proxy = await startDynamoDBFaultProxy(dynamo.endpoint);
      const identity = 'arn:aws:iam::123456789012:user/consumer';
      proxy.inject(
        operation,
        {
          kind: 'answer',
          status: 400,
          body: JSON.stringify({
            __type: 'com.amazon.coral.service#AccessDeniedException',
            Message: `User: ${identity} is not authorized to perform: dynamodb:${operation} on resource: arn:aws:dynamodb:us-east-1:123456789012:table/${tableName}`,
          }),
        },
        1_000,
      );
      const lines: string[] = [];
      const logger = {
        debug: (m: string, f?: object) => lines.push(`${m} ${JSON.stringify(f)}`),
        info: (m: string, f?: object) => lines.push(`${m} ${JSON.stringify(f)}`),
        warn: (m: string, f?: object) => lines.push(`${m} ${JSON.stringify(f)}`),
        error: (m: string, f?: object) => lines.push(`${m} ${JSON.stringify(f)}`),
      };
      const checkpointer = new DynamoDBCheckpointer({
        endpoint: proxy.endpoint,
        region: dynamo.region,
        credentials: dynamo.credentials,
        tableName,
        logger,
      });
      const events: string[] = [];
      try {
        const consumer = fromKinesis({
          streamName,
          client: kinesis.createClient(),
          checkpointer,
          checkpointerTimeoutMs: 20_000,
          logger,
        });
        consumer.events$.subscribe((event) => events.push(JSON.stringify(event)));
        const startedAt = Date.now();
        const notifications = await firstValueFrom(consumer.pipe(checkpoint(), materialize(), toArray()));
        const elapsedMs = Date.now() - startedAt;
        await consumer.stopped();
        const error: unknown = notifications[0]?.error;
        expect(error).toBeInstanceOf(CheckpointerMisconfiguredError);
        const cause = (error as CheckpointerMisconfiguredError).cause;
        expect(cause).toBeInstanceOf(LeaseTablePermissionError);
        expect(cause).toMatchObject({ operation, permission: `dynamodb:${operation}`, retriable: false });
        expect((error as Error).message).not.toContain(identity);
        expect(lines.join('\n')).not.toContain('123456789012');
        expect(events.join('\n')).not.toContain('123456789012');
        expect(elapsedMs).toBeLessThan(15_000);
      } finally {
        await checkpointer.close();
        await proxy.close();
      }
    });
  },
);
