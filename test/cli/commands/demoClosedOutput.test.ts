// `rxjs-kinesis demo --endpoint … | head -1`: the pipe closed at the demo's first line. The next
// progress line met the broken pipe and the command exited at once, leaving behind the stream it
// had created (on AWS, a stream that costs by the hour). It now stops as on Ctrl+C: the stream
// is deleted, then the command exits quietly.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { compiledScript } from '../../support/compiledScript.js';
import { startTestKinesis, type TestKinesis } from '../../support/kinesis.js';
import { REPO_ROOT } from '../runCli.js';

jest.setTimeout(180_000);

let kinesis: TestKinesis;

beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});

afterAll(async () => {
  await kinesis.close();
});

/** The demo's streams that are not being deleted (DeleteStream leaves one DELETING a moment). */
async function demoStreams(): Promise<string[]> {
  const client = kinesis.createClient();
  try {
    const { StreamSummaries = [] } = await client.send(new ListStreamsCommand({}));
    return StreamSummaries.filter(
      (stream) => stream.StreamName!.startsWith('rxjs-kinesis-demo-') && stream.StreamStatus !== 'DELETING',
    ).map((stream) => stream.StreamName!);
  } finally {
    client.destroy();
  }
}

test('demo piped into `head -1` still deletes the stream it created', async () => {
  const demo = spawn(
    process.execPath,
    [
      compiledScript(join(REPO_ROOT, 'src/cli/main.ts')),
      'demo',
      '-n',
      '50000',
      '--endpoint',
      kinesis.endpoint,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        KINESIS_ENDPOINT: '',
        AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
        AWS_REGION: kinesis.region,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => demo.on('close', (code) => resolve(code)));
  let stderr = '';
  demo.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // As `head -1` does: the first line read (the stream is created by then), the pipe is closed.
  let created: string[] = [];
  demo.stdout.once('data', () => {
    demo.stdout.destroy();
    void demoStreams().then((names) => (created = names));
  });
  const timer = setTimeout(() => demo.kill('SIGKILL'), 120_000);
  try {
    expect(await exited).toBe(0);
  } finally {
    clearTimeout(timer);
  }
  expect(stderr).toBe('');
  expect(created).toHaveLength(1);
  expect(await demoStreams()).toEqual([]);
});
