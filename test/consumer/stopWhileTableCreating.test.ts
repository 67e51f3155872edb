// A consumer stopped while its DynamoDB lease table is still being created (10–20 s on AWS, at a
// first start) has taken nothing: no lease, no worker item it knows of. Its stop has nothing to
// write and ends promptly, rather than waiting for the table until finalWritesTimeoutMs cuts it
// short (and reports a final-writes-timeout).
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(90_000);

// Far longer than the stop may take.
const CREATE_TABLE_MS = 12_000;
const FINAL_WRITES_MS = 6_000;

let dynamo: TestDynamoDB;
let kinesis: TestKinesis;

beforeAll(async () => {
  [dynamo, kinesis] = await Promise.all([
    startTestDynamoDB({ createTableMs: CREATE_TABLE_MS }),
    startTestKinesis(),
  ]);
});

afterAll(async () => {
  await Promise.all([dynamo.close(), kinesis.close()]);
});

it('stops promptly while its lease table is CREATING: nothing was taken, nothing to write', async () => {
  const streamName = uniqueStreamName('creating');
  await kinesis.createStream(streamName, 1);
  const tableName = uniqueTableName('creating');
  const checkpointer = new DynamoDBCheckpointer({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
    tableName,
  });
  const reader = dynamo.createClient();
  const statusOf = async (name: string) =>
    (await reader.send(new DescribeTableCommand({ TableName: name })).catch(() => ({ Table: undefined })))
      .Table?.TableStatus;
  const events: ConsumerEvent[] = [];
  try {
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      finalWritesTimeoutMs: FINAL_WRITES_MS,
    });
    consumer.events$.subscribe((event) => events.push(event));
    const subscription = consumer.subscribe({ error: () => undefined });
    // The consumer's first heartbeat waits for the tables it created.
    while ((await statusOf(`${tableName}-workers`)) !== 'CREATING')
      await new Promise((resolve) => setTimeout(resolve, 20));
    const since = performance.now();
    subscription.unsubscribe();
    await consumer.stopped();
    const stopMs = performance.now() - since;
    expect(events.filter((event) => event.type === 'final-writes-timeout')).toEqual([]);
    // Not the finalWritesTimeoutMs; generous for a loaded machine.
    expect(stopMs).toBeLessThan(FINAL_WRITES_MS / 2);
  } finally {
    await checkpointer.close();
    // The server's timers keep the process alive until the tables are created.
    const deadline = Date.now() + 60_000;
    for (const name of [tableName, `${tableName}-workers`])
      while ((await statusOf(name)) === 'CREATING' && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
