import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliConnection, LOCAL_ONLY_CREDENTIALS } from '../../src/cli/cliConnection.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { linesOf, runCli } from './runCli.js';

describe('cliConnection', () => {
  it('gives a loopback endpoint a default region and local-only credentials, and says so', () => {
    const connection = cliConnection({ endpoint: 'http://127.0.0.1:4567' }, {});
    expect(connection.options).toEqual({
      endpoint: 'http://127.0.0.1:4567',
      region: 'us-east-1',
      credentials: LOCAL_ONLY_CREDENTIALS,
    });
    expect(connection.notice).toMatch(/region us-east-1 .* and local-only credentials/);
  });

  it.each(['http://localhost:4567', 'http://[::1]:4567', 'http://127.1.2.3:80'])(
    'treats %s as loopback',
    (endpoint) => {
      expect(cliConnection({ endpoint }, {}).options.credentials).toEqual(LOCAL_ONLY_CREDENTIALS);
    },
  );

  it('keeps what the environment configures', () => {
    const connection = cliConnection(
      { endpoint: 'http://127.0.0.1:4567' },
      { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' },
    );
    expect(connection.options).toEqual({ endpoint: 'http://127.0.0.1:4567', region: 'eu-west-1' });
    expect(connection.notice).toBeUndefined();
    expect(cliConnection({ endpoint: 'http://127.0.0.1:1', region: 'ap-south-1' }, {}).options.region).toBe(
      'ap-south-1',
    );
  });

  // The variable's value was reported as the `region` option, which the user never gave.
  it.each([
    [{ AWS_REGION: 'Mars' }, 'region (from AWS_REGION)'],
    [{ AWS_DEFAULT_REGION: 'eu west 1' }, 'region (from AWS_DEFAULT_REGION)'],
  ])('names the variable a refused region came from: %j', (env, option) => {
    expect(() => cliConnection({ endpoint: 'http://127.0.0.1:4567' }, env)).toThrow(
      expect.objectContaining({ name: 'InvalidOptionError', option }),
    );
    // --region wins over the variables, which are then not read.
    expect(
      cliConnection({ endpoint: 'http://127.0.0.1:4567', region: 'eu-west-1' }, env).options.region,
    ).toBe('eu-west-1');
  });

  it('put names AWS_REGION when it holds no region, for a local endpoint', async () => {
    const result = await runCli(['put', 'orders', '--endpoint', 'http://127.0.0.1:1'], {
      env: { AWS_REGION: 'Mars' },
    });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([
      'rxjs-kinesis: Invalid option "region (from AWS_REGION)": got "Mars"; expected an AWS region such as "eu-west-1"',
    ]);
  }, 90_000);

  it('reads the endpoint from the standard variables and names the one it used', () => {
    const connection = cliConnection({}, { AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567' });
    expect(connection.options.endpoint).toBe('http://127.0.0.1:4567');
    expect(connection.notice).toContain('from AWS_ENDPOINT_URL_KINESIS');
  });

  it('leaves remote endpoints and AWS alone', () => {
    expect(cliConnection({ endpoint: 'https://kinesis.eu-west-1.amazonaws.com' }, {})).toEqual({
      options: { endpoint: 'https://kinesis.eu-west-1.amazonaws.com' },
      notice: undefined,
    });
    expect(cliConnection({ region: 'eu-west-1' }, {})).toEqual({
      options: { region: 'eu-west-1' },
      notice: undefined,
    });
  });
});

describe('rxjs-kinesis put/tail --endpoint to a local Kinesis without an AWS profile', () => {
  let local: LocalKinesis;
  let home: string;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { profileless: 1 } });
    home = mkdtempSync(join(tmpdir(), 'rxjs-kinesis-home-'));
  });

  afterAll(async () => {
    await local.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('writes and reads with no region, credentials or profile configured', async () => {
    const env = {
      HOME: home,
      USERPROFILE: home,
      AWS_PROFILE: '',
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    };
    const put = await runCli(['put', 'profileless', '--endpoint', local.endpoint], {
      input: '{"n":1}\n',
      env,
      timeoutMs: 60_000,
    });
    expect(put.stderr).toContain(
      `Local endpoint ${local.endpoint} (from --endpoint): using region us-east-1`,
    );
    expect(put.stderr).toContain('local-only credentials');
    expect(put.code).toBe(0);
    // --quiet leaves out the notice too: only failures and the summary.
    const quiet = await runCli(['put', 'profileless', '--endpoint', local.endpoint, '--quiet'], {
      input: '{"n":2}\n',
      env,
      timeoutMs: 60_000,
    });
    expect(quiet.stderr).not.toContain('Local endpoint');
    expect(linesOf(quiet.stderr)).toEqual([
      expect.stringMatching(/^put profileless: 1 line read, 1 delivered, 0 failed in /),
    ]);
    expect(quiet.code).toBe(0);
    const tail = await runCli(
      ['tail', 'profileless', '--endpoint', local.endpoint, '--from', 'trim-horizon', '--limit', '2'],
      { env, timeoutMs: 60_000 },
    );
    expect(tail.code).toBe(0);
    expect(linesOf(tail.stdout).map((line) => (JSON.parse(line) as { data: unknown }).data)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
  }, 120_000);
});
