// The README's quick start runs as shown: extracted from README.md, it produces an order,
// consumes it with Redis checkpoints and exits 0 on SIGTERM, leaving the position stored and no
// lease held. Only the Redis address is replaced (the test's own redis-server); the Kinesis
// endpoint comes from AWS_ENDPOINT_URL_KINESIS, as the quick start tells the reader to set.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

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

it('produces, consumes with checkpoints and shuts down on SIGTERM as written', async () => {
  const snippet = quickStartSnippet();
  expect(snippet).toContain("'redis://localhost:6379'");
  const file = join(dir, 'quickStart.ts');
  writeFileSync(file, snippet.replace("'redis://localhost:6379'", JSON.stringify(redis.url)));

  const child = spawn(tsx, [file], {
    cwd: root,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
      AWS_REGION: kinesis.region,
      AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
      KINESIS_ENDPOINT: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const deadline = Date.now() + 60_000;
  while (!(stdout.includes('handled o-1') && stdout.includes('delivered 0'))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the quick start did not handle its order within 60 s:\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  // The 30 s timer is cleared once the child exited: a pending one would keep this test's worker
  // process alive after the run, and jest would force it to exit.
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    exited,
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('no exit within 30 s'), 30_000);
    }),
  ]).finally(() => clearTimeout(timer));
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

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
