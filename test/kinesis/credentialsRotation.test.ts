// Case: a credentials object given to the library was copied when it was checked, so keys rotated
// in place (the object's properties changed, as the AWS SDK allows: it reads the object it is
// given at each request) were never used: every request went on signed with the first keys. The
// object is now read at each request, as the SDK reads it; a frozen one works as before, the
// caller's object is not written to, and a property that no longer fits fails the request.
import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createDynamoDBClient } from '../../src/checkpointers/dynamodb/createDynamoDBClient.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { checkedCredentials } from '../../src/kinesis/checkedCredentials.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { startTestDynamoDB, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

interface Signed {
  readonly accessKeyId: string | undefined;
  readonly sessionToken: string | undefined;
}

type StackOwner = {
  middlewareStack: {
    addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
  };
};

/** Records the access key id and session token each request of `client` is signed with. */
function recordSigning(client: StackOwner): Signed[] {
  const signed: Signed[] = [];
  client.middlewareStack.addRelativeTo(
    (next: (args: unknown) => Promise<unknown>) =>
      async (args: { request: { headers: Record<string, string> } }) => {
        const { headers } = args.request;
        signed.push({
          accessKeyId: /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1],
          sessionToken: headers['x-amz-security-token'],
        });
        return next(args);
      },
    { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'recordSigning' },
  );
  return signed;
}

let kinesis: TestKinesis;
let dynamodb: TestDynamoDB;
beforeAll(async () => {
  [kinesis, dynamodb] = await Promise.all([startTestKinesis({ embedded: true }), startTestDynamoDB()]);
});
afterAll(async () => {
  await Promise.all([kinesis.close(), dynamodb.close()]);
});

test('Kinesis: keys changed in the object sign the next request', async () => {
  const credentials = { accessKeyId: 'AKIAFIRSTEXAMPLE0001', secretAccessKey: 'first-secret' };
  const client = createKinesisClient({ endpoint: kinesis.endpoint, region: kinesis.region, credentials });
  try {
    const signed = recordSigning(client as unknown as StackOwner);
    await client.send(new ListStreamsCommand({}));
    Object.assign(credentials, {
      accessKeyId: 'ASIASECONDEXAMPLE002',
      secretAccessKey: 'second-secret',
      sessionToken: 'second-token',
    });
    await client.send(new ListStreamsCommand({}));
    expect(signed).toEqual([
      { accessKeyId: 'AKIAFIRSTEXAMPLE0001', sessionToken: undefined },
      { accessKeyId: 'ASIASECONDEXAMPLE002', sessionToken: 'second-token' },
    ]);
    // Nothing of the SDK's is written to the caller's object.
    expect(Object.keys(credentials)).toEqual(['accessKeyId', 'secretAccessKey', 'sessionToken']);
  } finally {
    client.destroy();
  }
});

test('DynamoDB (checkpointer client): keys changed in the object sign the next request', async () => {
  const credentials = { accessKeyId: 'AKIAFIRSTEXAMPLE0001', secretAccessKey: 'first-secret' };
  const made = createDynamoDBClient(
    { tableName: 'leases', endpoint: dynamodb.endpoint },
    {
      connectTimeout: 5_000,
      requestTimeout: 10_000,
      region: dynamodb.region,
      credentials: checkedCredentials(credentials),
    },
  );
  const client = made.client as unknown as DynamoDBClient;
  try {
    const signed = recordSigning(client as unknown as StackOwner);
    await client.send(new ListTablesCommand({}));
    credentials.accessKeyId = 'AKIASECONDEXAMPLE002';
    await client.send(new ListTablesCommand({}));
    expect(signed.map((request) => request.accessKeyId)).toEqual([
      'AKIAFIRSTEXAMPLE0001',
      'AKIASECONDEXAMPLE002',
    ]);
  } finally {
    made.release();
  }
});

test('a frozen object signs requests (the SDK alone fails each call on one)', async () => {
  const credentials = Object.freeze({ accessKeyId: 'AKIAFROZENEXAMPLE001', secretAccessKey: 'frozen' });
  const client = createKinesisClient({ endpoint: kinesis.endpoint, region: kinesis.region, credentials });
  try {
    const signed = recordSigning(client as unknown as StackOwner);
    await client.send(new ListStreamsCommand({}));
    await client.send(new ListStreamsCommand({}));
    expect(signed.map((request) => request.accessKeyId)).toEqual([
      'AKIAFROZENEXAMPLE001',
      'AKIAFROZENEXAMPLE001',
    ]);
  } finally {
    client.destroy();
  }
});

test('a key changed to something that does not fit fails the request with InvalidOptionError', async () => {
  const credentials: { accessKeyId: unknown; secretAccessKey: string } = {
    accessKeyId: 'AKIAFIRSTEXAMPLE0001',
    secretAccessKey: 'first-secret',
  };
  const client = createKinesisClient({
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: credentials as never,
  });
  try {
    await client.send(new ListStreamsCommand({}));
    credentials.accessKeyId = undefined;
    const error = await client.send(new ListStreamsCommand({})).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as Error).message).toContain('its accessKeyId does not fit');
    expect((error as Error).message).not.toContain('first-secret');
  } finally {
    client.destroy();
  }
});
