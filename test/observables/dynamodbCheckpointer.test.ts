// fromKinesis({ checkpointer: DynamoDBCheckpointer }): positions survive a restart of the consumer.
import { firstValueFrom, take, toArray } from 'rxjs';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { numberedRecords, putTestRecords } from '../consumer/putTestRecords.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(90_000);

let kinesis: TestKinesis;
let dynamo: TestDynamoDB;

beforeAll(async () => {
  kinesis = await startTestKinesis();
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
  await kinesis.close();
});

const text = (record: { data: Uint8Array }): string => Buffer.from(record.data).toString();

it('resumes after a restart from the lease table: nothing that passed is delivered again, nothing is skipped', async () => {
  const streamName = uniqueStreamName('dynamo-resume');
  const tableName = uniqueTableName('resume');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  await putTestRecords(client, streamName, numberedRecords(600));
  const options = {
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    sleepTimeNoRecords: 50,
    shardFetchRate: 5,
  };
  const newCheckpointer = () =>
    new DynamoDBCheckpointer({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
      tableName,
    });

  const dynamo1 = newCheckpointer();
  const run1 = fromKinesis({ ...options, checkpointer: dynamo1 });
  const first = await firstValueFrom(run1.pipe(checkpoint({ batchSize: 25 }), take(250), toArray()));
  await run1.stopped();
  const stored = await dynamo1.listLeases(streamName);
  expect(stored.length).toBe(2);
  expect(stored.every((lease) => lease.owner === undefined)).toBe(true);
  expect(stored.some((lease) => lease.checkpoint?.kind === 'position')).toBe(true);
  await dynamo1.close();

  // A new process: a new checkpointer on the same table.
  const dynamo2 = newCheckpointer();
  const run2 = fromKinesis({ ...options, checkpointer: dynamo2 });
  const second = await firstValueFrom(run2.pipe(checkpoint(), take(350), toArray()));
  await run2.stopped();
  await dynamo2.close();
  const all = [...first, ...second].map(text);
  expect(new Set(all).size).toBe(600);
  expect(all).toHaveLength(600);
  client.destroy();
});
