// Case: a credentials provider that answered something unfit (a numeric sessionToken, no
// secretAccessKey, an expiration that is not a Date, no object at all) failed the request deep in
// the SDK's signer, as a non-retriable KinesisRequestError "TypeError: headers[headerName].replace
// is not a function". Its answer is now checked as a credentials object given directly is: the
// request fails with an InvalidOptionError for `credentials` that names what does not fit and
// shows no value; not retriable (see README, Credentials), and the provider is asked again at
// the next request.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createDynamoDBClient } from '../../src/checkpointers/dynamodb/createDynamoDBClient.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { createSubscriptionClient } from '../../src/kinesis/createSubscriptionClient.js';
import { startTestDynamoDB, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETVALUE';
const TOKEN = 'FwoGZXIvYXdzEXAMPLETOKENVALUE0123456789';

/** Unfit answers, and the words the error must say of each. */
const UNFIT: readonly (readonly [string, unknown, RegExp])[] = [
  [
    'a numeric sessionToken',
    { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET, sessionToken: 42 },
    /sessionToken/,
  ],
  ['no secretAccessKey', { accessKeyId: 'AKIAEXAMPLE', sessionToken: TOKEN }, /secretAccessKey/],
  [
    'an expiration that is no Date',
    { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN, expiration: '2030-01-01' },
    /expiration/,
  ],
  ['a string', `AKIAEXAMPLE:${SECRET}`, /a string, not a credentials object/],
  ['null', null, /null, not a credentials object/],
];

let kinesis: TestKinesis;
let dynamodb: TestDynamoDB;
beforeAll(async () => {
  [kinesis, dynamodb] = await Promise.all([startTestKinesis({ embedded: true }), startTestDynamoDB()]);
});
afterAll(async () => {
  await Promise.all([kinesis.close(), dynamodb.close()]);
});

function expectClear(error: unknown, names: RegExp): void {
  const classified = classifyError(error);
  expect(classified).toBeInstanceOf(InvalidOptionError);
  expect((classified as InvalidOptionError).option).toBe('credentials');
  expect(classified.message).toMatch(names);
  expect(classified.message).toMatch(/provider/);
  expect(classified.retriable).toBe(false);
  const shown = `${classified.message} ${String(classified.stack)} ${JSON.stringify(classified)}`;
  expect(shown).not.toContain(SECRET);
  expect(shown).not.toContain(TOKEN);
}

describe.each(UNFIT)('a credentials provider answering %s', (_label, answer, names) => {
  it('fails a Kinesis request with an InvalidOptionError naming what does not fit, and is asked again', async () => {
    let calls = 0;
    const client = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      maxAttempts: 1,
      credentials: () => {
        calls += 1;
        return Promise.resolve(answer as never);
      },
    });
    try {
      expectClear(await client.send(new ListStreamsCommand({})).catch((caught: unknown) => caught), names);
      expectClear(await client.send(new ListStreamsCommand({})).catch((caught: unknown) => caught), names);
      expect(calls).toBe(2);
    } finally {
      client.destroy();
    }
  });

  it('fails a request of the enhanced fan-out client the same way', async () => {
    const client = createSubscriptionClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: () => Promise.resolve(answer as never),
    });
    try {
      expectClear(await client.send(new ListStreamsCommand({})).catch((caught: unknown) => caught), names);
    } finally {
      client.destroy();
    }
  });

  it("fails a request of the DynamoDB checkpointer's client the same way", async () => {
    const { client, release } = createDynamoDBClient(
      { tableName: 'leases', endpoint: dynamodb.endpoint },
      {
        connectTimeout: 5_000,
        requestTimeout: 10_000,
        region: dynamodb.region,
        credentials: () => Promise.resolve(answer as never),
      },
    );
    try {
      const failure = await (client as unknown as { send(command: unknown): Promise<unknown> })
        .send(new ListTablesCommand({}))
        .catch((caught: unknown) => caught);
      expectClear(failure, names);
    } finally {
      release();
    }
  });
});
