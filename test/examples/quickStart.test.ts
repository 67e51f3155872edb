// The README's quick start runs as shown: extracted from README.md, it produces an order,
// consumes it with Redis checkpoints and exits 0 on SIGTERM, leaving the position stored and no
// lease held. Only the Redis address is replaced (the test's own redis-server); the Kinesis
// endpoint comes from AWS_ENDPOINT_URL_KINESIS, as the quick start tells the reader to set.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

const root = join(__dirname, '..', '..');

function quickStartSnippet(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Quick start\n'), readme.indexOf('\n## Why\n'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('README.md: no TypeScript block in "## Quick start"');
  return match[1] as string;
}

let kinesis: LocalKinesis;
let redis: TestRedis;
let dir: string;

beforeAll(async () => {
  kinesis = await startLocalKinesis();
  await kinesis.createStream('orders', 1);
  redis = await startTestRedis();
  // Inside the repository, so that tsx resolves 'rxjs-kinesis' through tsconfig paths.
  dir = mkdtempSync(join(root, 'test', 'examples', 'tmp-quickstart-'));
}, 60_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redis?.close();
  await kinesis?.close();
});

/** Starts the quick start against `endpoint`, with its output collected. */
function startQuickStart(endpoint: string) {
  const snippet = quickStartSnippet();
  expect(snippet).toContain("'redis://localhost:6379'");
  const file = join(dir, 'quickStart.ts');
  writeFileSync(file, snippet.replace("'redis://localhost:6379'", JSON.stringify(redis.url)));

  // tsx as a loader of this Node (not its CLI): the SIGTERM reaches the quick start's own process.
  // The CLI relays a signal to the process it starts and kills that one (exit 143) if it has not
  // taken the signal within 30 ms, which a loaded machine can take.
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_KINESIS: endpoint,
      AWS_REGION: kinesis.region,
      AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
      KINESIS_ENDPOINT: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** The child's exit code, or a sentence if it has not exited within `seconds` (then it is killed). */
async function exitCode(
  child: ReturnType<typeof spawn>,
  exited: Promise<number | null>,
  seconds = 30,
): Promise<number | null | string> {
  // The timer is cleared once the child exited: a pending one would keep this test's worker
  // process alive after the run, and jest would force it to exit.
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    exited,
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no exit within ${seconds} s`), seconds * 1_000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (typeof code === 'string') child.kill('SIGKILL');
  return code;
}

it('produces, consumes with checkpoints and shuts down on SIGTERM as written', async () => {
  const { child, output, exited } = startQuickStart(kinesis.endpoint);

  const deadline = Date.now() + 60_000;
  while (!(output.stdout.includes('handled o-1') && output.stdout.includes('delivered 0'))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `the quick start did not handle its order within 60 s:\n${output.stdout}\n${output.stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  const code = await exitCode(child, exited);
  expect({ code, stderr: code === 0 ? '' : output.stderr }).toEqual({ code: 0, stderr: '' });

  // A restart would resume after the handled order, and nobody holds the shard.
  const store = new RedisCheckpointer({ redis: redis.url, name: 'orders-service' });
  try {
    const shardId = 'shardId-000000000000';
    expect(await store.getCheckpoint('orders', shardId)).toMatchObject({
      kind: 'position',
      position: { sequenceNumber: expect.any(String) },
    });
    expect((await store.listLeases('orders')).filter((lease) => lease.owner !== undefined)).toEqual([]);
  } finally {
    await store.close();
  }
}, 120_000);

it('on a SIGTERM before its order is stored, stores it and reports it before exiting', async () => {
  // A stream still CREATING for 30 s (the child starts well within that, even on a loaded
  // machine): the order waits for it when the SIGTERM comes.
  const late = await startLocalKinesis({ streamStatusDelayMs: 30_000 });
  try {
    const client = createKinesisClient({
      endpoint: late.endpoint,
      region: late.region,
      credentials: late.credentials,
    });
    await client.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 }));
    client.destroy();
    const before = late.stats.forwardedRequests;
    const { child, output, exited } = startQuickStart(late.endpoint);
    // The child is running once it asks for the stream (its producer and consumer each do, about
    // once a second while the stream is CREATING); after a few asks it has settled down to waiting.
    const deadline = Date.now() + 60_000;
    while (late.stats.forwardedRequests < before + 4) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the quick start made no request within 60 s:\n${output.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output.stdout).not.toContain('delivered');
    child.kill('SIGTERM');
    const code = await exitCode(child, exited, 60);
    expect({ code, stderr: code === 0 ? '' : output.stderr }).toEqual({ code: 0, stderr: '' });
    // The order was stored and its report printed before the process exited.
    expect(output.stdout).toContain('delivered 0');
  } finally {
    await late.close();
  }
}, 120_000);
