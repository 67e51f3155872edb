// `producer | rxjs-kinesis put <stream>` stopped by SIGTERM while the producer keeps stdin full:
// put said "reading stopped" and, after its summary, never exited. readline, once closed,
// resumed stdin when its line iterator had drained, so the data of a writer that never stops
// kept flowing into the process (at most of a core), unread and for good. On a signal put now
// lets go of stdin: the writer's pipe breaks instead of being drained.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../../support/compiledScript.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../../support/kinesis.js';
import { REPO_ROOT } from '../runCli.js';

jest.setTimeout(180_000);

let kinesis: TestKinesis;

beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});

afterAll(async () => {
  await kinesis.close();
});

/** Writes JSON lines to stdout as fast as the reader takes them, for ever; says how many on stderr. */
const BUSY_WRITER = `
let n = 0;
const write = () => {
  while (process.stdout.write('{"n":' + n++ + '}\\n')) {}
  process.stdout.once('drain', write);
};
process.stdout.on('error', () => process.exit(0));
setInterval(() => process.stderr.write(n + '\\n'), 100);
write();
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('put stops taking its stdin on SIGTERM, though a busy writer keeps it full', async () => {
  const stream = uniqueStreamName('cli-busy-writer');
  await kinesis.createStream(stream, 1);
  const writer = spawn(process.execPath, ['-e', BUSY_WRITER], { stdio: ['ignore', 'pipe', 'pipe'] });
  let written = 0;
  writer.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const counts = chunk.trim().split('\n');
    written = Number(counts[counts.length - 1]);
  });
  const writerExited = new Promise<void>((resolve) => writer.on('exit', () => resolve()));
  const put = spawn(
    process.execPath,
    [compiledScript(join(REPO_ROOT, 'src/cli/main.ts')), 'put', stream, '--endpoint', kinesis.endpoint, '-q'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        KINESIS_ENDPOINT: '',
        AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
        AWS_REGION: kinesis.region,
      },
      stdio: [writer.stdout, 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  put.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    // Reading under way: one shard takes 1,000 records a second, so put's queue (100,000 items)
    // fills, and its line iterator with it.
    while (written < 110_000 && put.exitCode === null) await sleep(100);
    put.kill('SIGTERM');
    while (!/reading stopped/.test(stderr) && put.exitCode === null) await sleep(50);
    expect(stderr).toMatch(/^SIGTERM: reading stopped/m);
    // Stopped reading: within a few seconds the writer's pipe breaks (or fills up and the writer
    // waits), and the writer makes no more progress.
    await Promise.race([writerExited, sleep(5_000)]);
    const before = written;
    await Promise.race([writerExited, sleep(2_000)]);
    expect(written - before).toBe(0);
  } finally {
    put.kill('SIGKILL');
    writer.kill('SIGKILL');
  }
});
