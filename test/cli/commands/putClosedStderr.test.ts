// `rxjs-kinesis put <stream> 2>&1 | head -1`: the reader of stderr goes away while put still has
// lines to deliver. The next progress line or the summary met a broken pipe and put died of the
// unhandled EPIPE with status 1, giving up on the lines it had read and not yet delivered.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../../support/compiledScript.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../../support/kinesis.js';
import { linesOf, REPO_ROOT, runCli } from '../runCli.js';

jest.setTimeout(180_000);

let kinesis: TestKinesis;

beforeAll(async () => {
  // With the limits on, one shard takes 1,000 records a second: put runs for seconds, long
  // enough to write a progress line (every 5 s) while lines are still on their way.
  kinesis = await startTestKinesis({ embedded: true, limits: true });
});

afterAll(async () => {
  await kinesis.close();
});

test('put delivers every line it read and exits with status 0 when its stderr is closed', async () => {
  const stream = uniqueStreamName('cli-closed-stderr');
  await kinesis.createStream(stream, 1);
  const env = {
    ...process.env,
    KINESIS_ENDPOINT: '',
    AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
    AWS_REGION: kinesis.region,
  };
  const lines = 8_000;
  const put = spawn(
    process.execPath,
    [compiledScript(join(REPO_ROOT, 'src/cli/main.ts')), 'put', stream, '--endpoint', kinesis.endpoint],
    { cwd: REPO_ROOT, env, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => put.on('close', (code) => resolve(code)));
  // As `| head -0` does: nobody reads stderr, and its pipe is closed before put writes to it.
  put.stderr.destroy();
  put.stdin.on('error', () => undefined);
  put.stdin.end(Array.from({ length: lines }, (_, n) => `{"n":${n}}\n`).join(''));
  expect(await exited).toBe(0);

  const tail = await runCli(
    ['tail', stream, '--from', 'trim-horizon', '-n', String(lines), '--endpoint', kinesis.endpoint],
    {
      env: {
        AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
        AWS_REGION: kinesis.region,
      },
    },
  );
  expect(tail.code).toBe(0);
  expect(
    new Set(linesOf(tail.stdout).map((line) => (JSON.parse(line) as { data: { n: number } }).data.n)).size,
  ).toBe(lines);
});
