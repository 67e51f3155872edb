// The `logger` option: retries, throttling, failed calls, lease takeovers and losses, never a secret.
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { LeaseLostError } from '../../../src/checkpointers/errors/LeaseLostError.js';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY';

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

/** The real client; the next `failures` requests fail with DynamoDB's throttling answer. */
function throttlingClient(real: DynamoDBClient): { client: DynamoDBClient; state: { failures: number } } {
  const state = { failures: 0 };
  const send = real.send.bind(real) as (command: unknown, options: unknown) => Promise<unknown>;
  const client = {
    send: (command: unknown, options: unknown) => {
      if (state.failures > 0) {
        state.failures -= 1;
        return Promise.reject(
          Object.assign(new Error('Rate of requests exceeds the allowed throughput (injected)'), {
            name: 'ProvisionedThroughputExceededException',
            $metadata: { httpStatusCode: 400 },
          }),
        );
      }
      return send(command, options);
    },
    destroy: () => undefined,
  };
  return { client: client as unknown as DynamoDBClient, state };
}

it('logs each throttled retry at warn and a call that gave up at error', async () => {
  const logger = new CaptureLogger();
  const { client, state } = throttlingClient(dynamo.createClient());
  const tableName = uniqueTableName('logged');
  const checkpointer = new DynamoDBCheckpointer({
    client,
    tableName,
    logger,
    maxAttempts: 3,
    sleep: async () => {},
  });
  try {
    const lease = await checkpointer.acquireLease('orders', 'shardId-000000000000', 'worker-a');
    if (lease === undefined) throw new Error('expected a lease');
    expect(logger.messages()).toEqual(['created DynamoDB table']);
    logger.lines.length = 0;
    state.failures = 2;
    expect(await checkpointer.checkpoint(lease, { sequenceNumber: '42' })).toBe(true);
    expect(logger.lines.map((line) => [line.level, line.details])).toEqual(
      [1, 2].map((attempt) => [
        'warn',
        {
          operation: 'UpdateItem',
          tableName,
          streamName: 'orders',
          shardId: 'shardId-000000000000',
          attempt,
          delayMs: expect.any(Number) as number,
          code: 'ProvisionedThroughputExceededException',
        },
      ]),
    );
    expect(logger.messages('warn')).toEqual(['DynamoDB throttled, retrying', 'DynamoDB throttled, retrying']);
    logger.lines.length = 0;
    state.failures = 10;
    await expect(checkpointer.getCheckpoint('orders', 'shardId-000000000000')).rejects.toMatchObject({
      attempts: 3,
    });
    expect(logger.messages()).toEqual([
      'DynamoDB throttled, retrying',
      'DynamoDB throttled, retrying',
      'DynamoDB call failed',
    ]);
    expect(logger.lines[2]?.details).toMatchObject({ operation: 'GetItem', attempts: 3, tableName });
  } finally {
    await checkpointer.close();
  }
});

it('logs the creation of a table only by the worker that created it, not by one that lost the race', async () => {
  const real = dynamo.createClient();
  const send = real.send.bind(real) as (command: unknown, options?: unknown) => Promise<unknown>;
  // Another worker creates each table between this worker's DescribeTable and its CreateTable.
  const client = {
    send: async (command: unknown, options: unknown) => {
      if (command instanceof CreateTableCommand) await send(new CreateTableCommand(command.input));
      return send(command, options);
    },
    destroy: () => undefined,
  } as unknown as DynamoDBClient;
  const logger = new CaptureLogger();
  const checkpointer = new DynamoDBCheckpointer({ client, tableName: uniqueTableName('raced'), logger });
  try {
    await checkpointer.heartbeat('orders', 'worker-a');
    expect(await checkpointer.acquireLease('orders', 'shardId-000000000000', 'worker-a')).toBeDefined();
    expect(logger.messages()).toEqual([]);
  } finally {
    await checkpointer.close();
  }
});

it('logs a lease taken over from a stopped owner, and the loss on the owner side, without the credentials', async () => {
  const options = {
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: { accessKeyId: 'AKIAEXAMPLEKEY', secretAccessKey: SECRET },
    tableName: uniqueTableName('steal'),
    // A call gives up after half of it: room for the embedded DynamoDB on a loaded machine.
    failoverTimeMs: 3000,
  };
  const ownerLog = new CaptureLogger();
  const takerLog = new CaptureLogger();
  const owner = new DynamoDBCheckpointer({ ...options, logger: ownerLog });
  const taker = new DynamoDBCheckpointer({ ...options, logger: takerLog });
  try {
    const lease = await owner.acquireLease('orders', 'shardId-000000000000', 'worker-a');
    if (lease === undefined) throw new Error('expected a lease');
    expect(await taker.acquireLease('orders', 'shardId-000000000000', 'worker-b')).toBeUndefined();
    // The counter does not move: expired.
    await new Promise((resolve) => setTimeout(resolve, options.failoverTimeMs * 1.5));
    expect(await taker.acquireLease('orders', 'shardId-000000000000', 'worker-b')).toBeDefined();
    expect(takerLog.lines.filter((line) => line.level === 'info').map((line) => line.details)).toContainEqual(
      {
        streamName: 'orders',
        shardId: 'shardId-000000000000',
        owner: 'worker-b',
        previousOwner: 'worker-a',
        reason: 'lease expired',
      },
    );
    await expect(owner.checkpoint(lease, { sequenceNumber: '7' })).rejects.toBeInstanceOf(LeaseLostError);
    expect(ownerLog.lines.find((line) => line.level === 'warn')?.details).toEqual({
      streamName: 'orders',
      shardId: 'shardId-000000000000',
      owner: 'worker-a',
      actualOwner: 'worker-b',
    });
    expect(ownerLog.messages('warn')).toEqual(['DynamoDB lease lost']);
    for (const log of [ownerLog, takerLog]) {
      expect(log.text()).not.toContain(SECRET);
      expect(log.text()).not.toContain('AKIAEXAMPLEKEY');
    }
  } finally {
    await owner.close();
    await taker.close();
  }
});

it('rejects a logger without the needed methods', () => {
  expect(() => new DynamoDBCheckpointer({ logger: {} as never })).toThrow(InvalidOptionError);
});
