// `rxjs-kinesis tail --efo NAME`: reading with enhanced fan-out from the embedded local Kinesis.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DescribeStreamSummaryCommand, ListStreamConsumersCommand } from '@aws-sdk/client-kinesis';
import { compiledScript } from '../../support/compiledScript.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { cliAgainst } from '../cliAgainst.js';
import { numbers, putRecords } from '../../support/streamRecords.js';
import { linesOf, REPO_ROOT, runCli } from '../runCli.js';

const kinesis = useTestKinesis({ embedded: true });
const cli = cliAgainst(kinesis);

async function consumersOf(stream: string): Promise<{ name?: string; status?: string }[]> {
  const client = kinesis.createClient();
  try {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    const output = await client.send(
      new ListStreamConsumersCommand({ StreamARN: summary.StreamDescriptionSummary?.StreamARN }),
    );
    return (output.Consumers ?? []).map((c) => ({ name: c.ConsumerName, status: c.ConsumerStatus }));
  } finally {
    client.destroy();
  }
}

test('tail --efo reads with fan-out as the named consumer, which stays registered', async () => {
  const stream = uniqueStreamName('cli-efo');
  await kinesis.createStream(stream, 2);
  const client = kinesis.createClient();
  await putRecords(client, stream, numbers(12));
  client.destroy();
  const tail = await cli([
    'tail',
    stream,
    '-p',
    'json',
    '--from',
    'trim-horizon',
    '-n',
    '12',
    '--efo',
    'audit',
  ]);
  expect(tail.stderr).toBe('');
  expect(tail.code).toBe(0);
  const data = linesOf(tail.stdout).map((line) => (JSON.parse(line) as { data: number }).data);
  expect(data.sort((a, b) => a - b)).toEqual(numbers(12).map(Number));
  expect(await consumersOf(stream)).toEqual([{ name: 'audit', status: 'ACTIVE' }]);
});

test('tail --efo NAME --deregister removes the consumer when it stops', async () => {
  const stream = uniqueStreamName('cli-efo');
  await kinesis.createStream(stream, 1);
  const client = kinesis.createClient();
  await putRecords(client, stream, numbers(3));
  client.destroy();
  const tail = await cli([
    'tail',
    stream,
    '--from',
    'trim-horizon',
    '-n',
    '3',
    '--efo',
    'once',
    '--deregister',
  ]);
  expect(tail.code).toBe(0);
  expect(linesOf(tail.stdout)).toHaveLength(3);
  expect((await consumersOf(stream)).filter((c) => c.status === 'ACTIVE')).toEqual([]);
});

test.each([
  [['tail', 's', '--deregister'], /--deregister needs --efo/],
  [['tail', 's', '--efo', 'bad name!'], /stream consumer name/],
])('refuses %j with a one-line error and exit status 2', async (args, message) => {
  const result = await runCli(args);
  expect(result.code).toBe(2);
  expect(linesOf(result.stderr)[0]).toMatch(message);
});

test('tail --efo NAME --deregister piped into `head -1` still removes the consumer', async () => {
  const stream = uniqueStreamName('cli-efo');
  await kinesis.createStream(stream, 1);
  const client = kinesis.createClient();
  await putRecords(client, stream, numbers(3));
  client.destroy();
  const tail = spawn(
    process.execPath,
    [
      compiledScript(join(REPO_ROOT, 'src/cli/main.ts')),
      ...['tail', stream, '--from', 'trim-horizon', '--efo', 'piped', '--deregister'],
      ...['--endpoint', kinesis.endpoint],
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
  const exited = new Promise<number | null>((resolve) => tail.on('close', (code) => resolve(code)));
  // As `head -1` does: the first line read, the pipe is closed; tail meets it at its next line,
  // that of a record written then.
  tail.stdout.once('data', () => {
    tail.stdout.destroy();
    const writer = kinesis.createClient();
    void putRecords(writer, stream, numbers(3)).finally(() => writer.destroy());
  });
  const stderr: string[] = [];
  tail.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const timer = setTimeout(() => tail.kill('SIGKILL'), 60_000);
  try {
    expect(await exited).toBe(0);
  } finally {
    clearTimeout(timer);
  }
  expect(stderr.join('')).toBe('');
  expect((await consumersOf(stream)).filter((c) => c.status === 'ACTIVE')).toEqual([]);
});
