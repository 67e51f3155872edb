// SIGTERM to a Nest microservice with enableShutdownHooks() while events are in flight: the
// handlers under way finish, the stored checkpoint is never ahead of a handled event, and a new
// process goes on from it without losing any.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { RedisCheckpointer } from 'rxjs-kinesis';
import { KinesisClientProxy } from 'rxjs-kinesis/nestjs';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { compiledScript } from '../support/compiledScript.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { emitted, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(180_000);
const root = join(__dirname, '..', '..');

let kinesis: TestKinesis;
let redis: TestRedis;

beforeAll(async () => {
  [kinesis, redis] = await Promise.all([startTestKinesis({ embedded: true }), startTestRedis()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([kinesis?.close(), redis?.close()]);
});

interface Worker {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(streamName: string, keyPrefix: string): Worker {
  const child = spawn(process.execPath, [compiledScript(join(__dirname, 'fixtures', 'sigtermWorker.ts'))], {
    cwd: root,
    env: {
      ...process.env,
      STREAM: streamName,
      KINESIS_ENDPOINT: kinesis.endpoint,
      KINESIS_REGION: kinesis.region,
      REDIS_URL: redis.url,
      KEY_PREFIX: keyPrefix,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let rest = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

const WAIT_MS = 90_000;

const doneOf = (lines: readonly string[]) =>
  lines
    .filter((line) => line.startsWith('done '))
    .map((line) => {
      const [, n, shardId, sequenceNumber] = line.split(' ');
      return { n: Number(n), shardId: shardId as string, sequenceNumber: sequenceNumber as string };
    });

it('SIGTERM with events in flight: handlers finish, checkpoints are never ahead, a restart loses nothing', async () => {
  const streamName = uniqueStreamName('nest-sigterm');
  await kinesis.createStream(streamName, 2);
  const keyPrefix = uniqueKeyPrefix('nest-sigterm');
  const total = 40;
  const client = new KinesisClientProxy({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    bufferTime: 10,
  });
  const reports = await Promise.all(
    Array.from({ length: total }, (_, n) => emitted(client, 'slow', { n }, `k-${n}`)),
  );
  await client.close();

  const first = startWorker(streamName, keyPrefix);
  await waitFor('the first worker to handle some events', () => doneOf(first.lines).length >= 6, WAIT_MS);
  first.child.kill('SIGTERM');
  const exit = await first.exited;
  // Nest ends the process with the signal once closed.
  expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
  // Every handler that started finished before the process went.
  const started = first.lines
    .filter((line) => line.startsWith('start '))
    .map((line) => Number(line.split(' ')[1]));
  const handledFirst = doneOf(first.lines);
  expect(handledFirst.map((event) => event.n).sort((a, b) => a - b)).toEqual(
    [...started].sort((a, b) => a - b),
  );
  expect(handledFirst.length).toBeLessThan(total);

  const checkpointer = new RedisCheckpointer({ redis: redis.url, name: 'sigterm', keyPrefix });
  try {
    for (const shardId of new Set(reports.map((report) => report.shardId))) {
      const stored = await checkpointer.getCheckpoint(streamName, shardId);
      if (stored?.kind !== 'position') continue;
      for (const report of reports.filter((entry) => entry.shardId === shardId)) {
        if (compareSequenceNumbers(report.sequenceNumber, stored.position.sequenceNumber) <= 0)
          expect(handledFirst.some((event) => event.sequenceNumber === report.sequenceNumber)).toBe(true);
      }
    }
    expect((await checkpointer.listLeases(streamName)).filter((info) => info.owner !== undefined)).toEqual(
      [],
    );
  } finally {
    await checkpointer.close();
  }

  const second = startWorker(streamName, keyPrefix);
  try {
    await waitFor(
      'every event handled by one run or the other',
      () => new Set([...handledFirst, ...doneOf(second.lines)].map((event) => event.n)).size === total,
      WAIT_MS,
    );
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});
