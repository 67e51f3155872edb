// A consumer stopped while its DynamoDB lease table is still being created (10–20 s on AWS, at a
// first start) has taken nothing: no lease, no worker item it knows of. Its stop has nothing to
// write and ends promptly, rather than waiting for the table until finalWritesTimeoutMs cuts it
// short (and reports a final-writes-timeout). Nor does anything it started run on after the stop:
// a heartbeat left waiting for the table would write this worker's item once the table is ACTIVE,
// a worker that left seen live by the others, and the wait's DescribeTable polls would go on.
import { DescribeTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
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

it('leaves nothing running after stopped(): no request in flight or sent later, no worker item', async () => {
  const streamName = uniqueStreamName('creating');
  await kinesis.createStream(streamName, 1);
  const tableName = uniqueTableName('creating');
  const workersTable = `${tableName}-workers`;
  const base = dynamo.createClient();
  let sent = 0;
  let inFlight = 0;
  const client = {
    send: async (command: never, options?: never): Promise<unknown> => {
      sent += 1;
      inFlight += 1;
      try {
        return await base.send(command, options);
      } finally {
        inFlight -= 1;
      }
    },
  };
  const checkpointer = new DynamoDBCheckpointer({ client, region: dynamo.region, tableName });
  const reader = dynamo.createClient();
  const statusOf = async (name: string) =>
    (await reader.send(new DescribeTableCommand({ TableName: name })).catch(() => ({ Table: undefined })))
      .Table?.TableStatus;
  try {
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      workerId: 'stopped-early',
      finalWritesTimeoutMs: FINAL_WRITES_MS,
    });
    const subscription = consumer.subscribe({ error: () => undefined });
    while ((await statusOf(workersTable)) !== 'CREATING')
      await new Promise((resolve) => setTimeout(resolve, 20));
    subscription.unsubscribe();
    await consumer.stopped();
    expect(inFlight).toBe(0);
    const sentAtStop = sent;
    // Both tables become ACTIVE meanwhile; then longer than a poll for ACTIVE (500 ms at most).
    const deadline = Date.now() + 60_000;
    for (const name of [tableName, workersTable])
      while ((await statusOf(name)) === 'CREATING' && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sent - sentAtStop).toBe(0);
    expect(inFlight).toBe(0);
    const workers = await reader.send(new ScanCommand({ TableName: workersTable }));
    expect(workers.Items ?? []).toEqual([]);
  } finally {
    await checkpointer.close();
    const deadline = Date.now() + 60_000;
    for (const name of [tableName, workersTable])
      while ((await statusOf(name)) === 'CREATING' && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
