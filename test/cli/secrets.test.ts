// The command line never prints the user info of an --endpoint URL, whether it refuses the flag,
// runs against the endpoint, or fails there.
import { randomUUID } from 'node:crypto';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { runCli } from './runCli.js';

const SECRET = `cli-secret-${randomUUID().replace(/-/g, '')}`;
const USER = 'AKIAEXAMPLEKEY123456';

let kinesis: TestKinesis;
let env: Record<string, string>;

beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
  env = {
    AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
    AWS_REGION: kinesis.region,
  };
});

afterAll(async () => {
  await kinesis.close();
});

function withUserInfo(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.protocol}//${USER}:${SECRET}@${url.host}`;
}

function expectClean(output: string): void {
  expect(output).not.toContain(SECRET);
  expect(output).not.toContain(USER);
}

describe('rxjs-kinesis output and --endpoint user info', () => {
  it.each([
    ['put', ['put', 'orders', '--endpoint', `http//${USER}:${SECRET}@127.0.0.1:1`]],
    ['tail', ['tail', 'orders', '--endpoint', `ftp://${USER}:${SECRET}@127.0.0.1:1`]],
    ['demo', ['demo', '--endpoint', `${USER}:${SECRET}@127.0.0.1:1`]],
  ])(
    'a refused --endpoint of %s is echoed without its user info',
    async (_command, args) => {
      const result = await runCli(args, { env, timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--endpoint/);
      expect(result.stderr).toMatch(/\*\*\*@127\.0\.0\.1:1/);
      expectClean(result.stdout + result.stderr);
    },
    70_000,
  );

  it('demo against an endpoint with user info says where it runs, without the user info', async () => {
    const endpoint = withUserInfo(kinesis.endpoint);
    const result = await runCli(
      ['demo', '--endpoint', endpoint, '-n', '200', '--shards', '1', '-p', 'json'],
      {
        env,
        timeoutMs: 100_000,
      },
    );
    expectClean(result.stdout + result.stderr);
    expect(result.stdout).toContain(`://***@${new URL(kinesis.endpoint).host}`);
    expect(result.code).toBe(0);
  }, 110_000);

  it('put to an endpoint with user info prints no user info', async () => {
    const stream = uniqueStreamName('cli-secrets');
    await kinesis.createStream(stream, 1);
    const result = await runCli(['put', stream, '--endpoint', withUserInfo(kinesis.endpoint)], {
      env,
      input: '{"a":1}\n{"a":2}\n',
      timeoutMs: 60_000,
    });
    expectClean(result.stdout + result.stderr);
    expect(result.stderr).toMatch(/2 delivered/);
    expect(result.code).toBe(0);
  }, 70_000);

  it('put to a loopback endpoint with user info and no AWS profile prints no user info', async () => {
    // Nothing configured: whatever the command says about the endpoint (a notice, an error), it
    // says without the user info. No instance metadata lookups: loopback only.
    const bare = {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/rxjs-kinesis-credentials',
      AWS_CONFIG_FILE: '/nonexistent/rxjs-kinesis-config',
    };
    const stream = uniqueStreamName('cli-secrets');
    await kinesis.createStream(stream, 1);
    const result = await runCli(['put', stream, '--endpoint', withUserInfo(kinesis.endpoint)], {
      env: bare,
      input: '{"a":1}\n',
      timeoutMs: 60_000,
    });
    expectClean(result.stdout + result.stderr);
  }, 70_000);
});

describe('rxjs-kinesis and a credential given for another flag', () => {
  // The example secret access key of AWS's documentation, e.g. from swapped environment variables.
  const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  it.each([
    ['--region', ['tail', 'orders', '--region', SECRET_ACCESS_KEY]],
    ['<stream>', ['tail', SECRET_ACCESS_KEY]],
    ['--endpoint', ['tail', 'orders', '--endpoint', SECRET_ACCESS_KEY]],
  ])(
    'a refused %s that reads as a secret access key is not echoed',
    async (flag, args) => {
      const result = await runCli(args, { env, timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`error: invalid ${flag} "[redacted]"`);
      expect(result.stdout + result.stderr).not.toContain('EXAMPLEKEY');
    },
    70_000,
  );
});

describe('rxjs-kinesis and a credential inside a stream ARN', () => {
  const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  it.each([['put'], ['tail']])(
    'a refused ARN argument of %s is echoed without it',
    async (command) => {
      const arn = `arn:aws:kinesis:us-east-1:123456789012:stream/orders?token=${key}`;
      const result = await runCli([command, arn], { env, timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'arn:aws:kinesis:us-east-1:123456789012:stream/orders?token=[redacted]',
      );
      expect(result.stdout + result.stderr).not.toContain('wJalr');
    },
    70_000,
  );
});
