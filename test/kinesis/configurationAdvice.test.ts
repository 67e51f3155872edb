// A first-time user without an AWS region or credentials configured gets errors that say where
// they go, not only the SDK's "Region is missing" or "Could not load credentials from any
// providers".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, of } from 'rxjs';
import { AccessDeniedError, fromKinesis, RxjsKinesisError, toKinesis } from '../../src/index.js';

const REGION_ADVICE =
  "Region is missing; pass the region option (such as region: 'eu-west-1') or set AWS_REGION";
const CREDENTIALS_ADVICE =
  'Could not load credentials from any providers; pass the credentials option, or set AWS_PROFILE, ' +
  'or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

let saved: NodeJS.ProcessEnv;
let home: string;

beforeEach(() => {
  saved = { ...process.env };
  home = mkdtempSync(join(tmpdir(), 'rxjs-kinesis-no-aws-'));
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  // No ~/.aws files, no instance metadata: nothing configured, as on a new developer's machine.
  process.env.HOME = home;
  process.env.USERPROFILE = home;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterEach(() => {
  process.env = saved;
  rmSync(home, { recursive: true, force: true });
});

async function failure(run: Promise<unknown>): Promise<RxjsKinesisError> {
  const error: unknown = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RxjsKinesisError);
  return error as RxjsKinesisError;
}

it('fromKinesis() without a region says to pass the region option or set AWS_REGION', async () => {
  const error = await failure(lastValueFrom(fromKinesis({ streamName: 'orders', credentials: CREDENTIALS })));
  expect(error.message).toContain(REGION_ADVICE);
  expect(error.retriable).toBe(false);
});

it("toKinesis() without a region fails each item saying so (the report's error)", async () => {
  const error = await failure(
    lastValueFrom(of({ id: 1 }).pipe(toKinesis({ streamName: 'orders', credentials: CREDENTIALS }))),
  );
  expect(error.message).toContain(REGION_ADVICE);
});

it('fromKinesis() without credentials says where they go', async () => {
  const error = await failure(
    lastValueFrom(fromKinesis({ streamName: 'orders', region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' })),
  );
  expect(error).toBeInstanceOf(AccessDeniedError);
  expect(error.message).toContain(CREDENTIALS_ADVICE);
});
