// checkpoint() + enhanced fan-out + Redis leases across two processes (fanOutRedisWorker.ts),
// against the embedded local Kinesis and a real redis-server: the two workers share the shards
// (balanced by handoffs, no record read twice), and when one stops, the other takes its shards over from their
// checkpoints: every record read, none twice.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LocalKinesis } from '../../../src/local/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { compiledScript } from '../../support/compiledScript.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { startFanOutKinesis } from '../../consumer/fanOut/fanOutSupport.js';
import type { WorkerConfig, WorkerMessage } from './fanOutRedisWorker.js';

jest.setTimeout(180_000);

let kinesis: LocalKinesis;
let redis: TestRedis;

beforeAll(async () => {
  [kinesis, redis] = await Promise.all([startFanOutKinesis({ limits: true }), startTestRedis()]);
});

afterAll(async () => {
  await Promise.all([kinesis.close(), redis.close()]);
});

interface Worker {
  readonly child: ChildProcess;
  readonly read: { text: string; shardId: string }[];
  readonly errors: string[];
  stopped: boolean;
}

function startWorker(config: WorkerConfig): Worker {
  const child = fork(compiledScript(join(__dirname, 'fanOutRedisWorker.ts')), [JSON.stringify(config)], {
    cwd: join(__dirname, '..', '..', '..'),
    execArgv: [],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const worker: Worker = { child, read: [], errors: [], stopped: false };
  child.on('message', (message: WorkerMessage) => {
    if (message.type === 'record') worker.read.push({ text: message.text, shardId: message.shardId });
    else if (message.type === 'error') worker.errors.push(message.message);
    else worker.stopped = true;
  });
  return worker;
}

test('two worker processes, Redis leases, checkpoint(): shards shared, one stops, everything read once', async () => {
  const client = kinesis.createClient();
  const streamName = uniqueStreamName('efo-redis-procs');
  await kinesis.createStream(streamName, 4);
  const base = {
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: { ...kinesis.credentials },
    streamName,
    consumerName: 'group',
    redisUrl: redis.url,
    keyPrefix: uniqueKeyPrefix('efo-procs'),
  };
  const a = startWorker({ ...base, workerId: 'a' });
  const b = startWorker({ ...base, workerId: 'b' });
  const all = () => [...a.read, ...b.read];
  try {
    let written = 0;
    // Written until both workers have read (a worker starting late gets shards by balancing).
    const deadline = Date.now() + 60_000;
    while (written < 200 || ((a.read.length === 0 || b.read.length === 0) && Date.now() < deadline)) {
      await putRecords(client, streamName, numbers(20, written));
      written += 20;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await waitFor(() => all().length >= written, {
      timeoutMs: 60_000,
      message: () => `read ${all().length} of ${written}`,
    });
    // Both took part (shards balanced, handed over with their checkpoints): no record read twice.
    expect(a.read.length).toBeGreaterThan(0);
    expect(b.read.length).toBeGreaterThan(0);
    expect(
      all()
        .map((record) => record.text)
        .sort(),
    ).toEqual(numbers(written).sort());
    // A stops gracefully (checkpoints written): B takes its shards over from them.
    a.child.send('stop');
    await waitFor(() => a.stopped, { timeoutMs: 30_000, message: () => 'worker a did not stop' });
    for (let i = 0; i < 5; i += 1) {
      await putRecords(client, streamName, numbers(20, written));
      written += 20;
    }
    await waitFor(() => all().length >= written, {
      timeoutMs: 60_000,
      message: () => `read ${all().length} of ${written}`,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(
      all()
        .map((record) => record.text)
        .sort(),
    ).toEqual(numbers(written).sort());
  } finally {
    for (const worker of [a, b]) {
      if (!worker.stopped && worker.child.exitCode === null) {
        worker.child.send('stop');
        await waitFor(() => worker.stopped || worker.child.exitCode !== null, {
          timeoutMs: 30_000,
          message: () => 'worker did not stop',
        }).catch(() => worker.child.kill('SIGKILL'));
      }
    }
    client.destroy();
  }
});
