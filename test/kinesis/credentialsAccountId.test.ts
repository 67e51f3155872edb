// Case: a credentials object whose `accountId` is a getter of its class (not an own property) was
// given to the SDK without it: requests were signed, but the SDK never saw the account id (used
// for account-based endpoints). The optional fields the SDK reads (`accountId`, `AccountId`,
// `credentialScope`) are now forwarded when the object has them, own or inherited, read at each
// use as the keys are.
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { checkedCredentials } from '../../src/kinesis/checkedCredentials.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { startTestKinesis, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

class AccountCredentials {
  readonly accessKeyId = 'AKIACLASSEXAMPLE0001';
  readonly secretAccessKey = 'class-secret';
  account = '111122223333';
  scope = 'us-east-1/kinesis';
  get accountId(): string {
    return this.account;
  }
  get credentialScope(): string {
    return this.scope;
  }
}

interface Identity {
  readonly accountId?: unknown;
  readonly credentialScope?: unknown;
}

type StackOwner = {
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
};

/** The identity each request of `client` was signed with, as the SDK's auth scheme selected it. */
function recordIdentities(client: StackOwner): Identity[] {
  const identities: Identity[] = [];
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: Record<string, unknown>) =>
      async (args: unknown) => {
        const smithy = context.__smithy_context as
          { selectedHttpAuthScheme?: { identity?: Identity } } | undefined;
        const identity = smithy?.selectedHttpAuthScheme?.identity;
        identities.push({ accountId: identity?.accountId, credentialScope: identity?.credentialScope });
        return next(args);
      },
    { step: 'finalizeRequest', priority: 'low', name: 'recordIdentity' },
  );
  return identities;
}

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});
afterAll(async () => {
  await kinesis.close();
});

test("a class's accountId and credentialScope getters reach the SDK, read at each request", async () => {
  const credentials = new AccountCredentials();
  const client = createKinesisClient({ endpoint: kinesis.endpoint, region: kinesis.region, credentials });
  try {
    const identities = recordIdentities(client as unknown as StackOwner);
    await client.send(new ListStreamsCommand({}));
    credentials.account = '444455556666';
    await client.send(new ListStreamsCommand({}));
    expect(identities).toEqual([
      { accountId: '111122223333', credentialScope: 'us-east-1/kinesis' },
      { accountId: '444455556666', credentialScope: 'us-east-1/kinesis' },
    ]);
  } finally {
    client.destroy();
  }
});

test('an object without them gets none, and the live object lists only what it has', () => {
  const live = checkedCredentials({ accessKeyId: 'AKIAPLAINEXAMPLE0001', secretAccessKey: 's' });
  expect(Object.keys(live as object).sort()).toEqual(
    ['accessKeyId', 'expiration', 'secretAccessKey', 'sessionToken'].sort(),
  );
  expect((live as Identity).accountId).toBeUndefined();
});

test('an accountId that is not a string fails the check with InvalidOptionError', () => {
  class Odd extends AccountCredentials {
    override get accountId(): string {
      return 42 as unknown as string;
    }
  }
  expect(() => checkedCredentials(new Odd())).toThrow(InvalidOptionError);
  expect(() => checkedCredentials(new Odd())).toThrow('its accountId does not fit');
  // null reads as none (the SDK's own check is `accountId ?? AccountId`).
  const none = { accessKeyId: 'AKIAPLAINEXAMPLE0001', secretAccessKey: 's', accountId: null };
  expect((checkedCredentials(none) as Identity).accountId).toBeNull();
});
