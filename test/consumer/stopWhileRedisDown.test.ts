// A consumer stopped while its first heartbeat still waits for Redis (down at the start) ends
// promptly, and that heartbeat ends with it: once Redis is back, no item of this worker appears
// (a heartbeat left retrying would make a worker that left look live to the others).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { uniqueKeyPrefix } from '../support/redis.js';

jest.setTimeout(60_000);

const run = promisify(execFile);
const FINAL_WRITES_MS = 6_000;

let kinesis: TestKinesis;
let redis: RedisServerProcess;

beforeAll(async () => {
  [kinesis, redis] = await Promise.all([startTestKinesis(), startRedisServer()]);
  await redis.stop();
});

afterAll(async () => {
  await Promise.all([kinesis.close(), redis.close()]);
});

afterEach(async () => {
  await redis.stop();
});

it('stops promptly while Redis is down at its first heartbeat, and writes no worker after', async () => {
  const streamName = uniqueStreamName('redis-down');
  await kinesis.createStream(streamName, 1);
  const keyPrefix = uniqueKeyPrefix();
  const checkpointer = new RedisCheckpointer({
    redis: redis.url,
    name: 'stop-while-down',
    keyPrefix,
    // Retried far longer than the test waits for it.
    callTimeout: 30_000,
    retry: { baseMs: 50, capMs: 200, retryLimit: 1_000 },
  });
  try {
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      workerId: 'stopped-early',
      finalWritesTimeoutMs: FINAL_WRITES_MS,
    });
    const subscription = consumer.subscribe({ error: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const since = performance.now();
    subscription.unsubscribe();
    await consumer.stopped();
    expect(performance.now() - since).toBeLessThan(FINAL_WRITES_MS / 2);
    await redis.start();
    // Longer than a retry's back-off and a connection's set-up.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const { stdout } = await run('redis-cli', [
      '-p',
      String(redis.port),
      '--scan',
      '--pattern',
      `${keyPrefix}*`,
    ]);
    expect(stdout.trim()).toBe('');
  } finally {
    await checkpointer.close();
  }
});

it('stops promptly with a client of its own while Redis is down at its first heartbeat', async () => {
  const streamName = uniqueStreamName('redis-down');
  await kinesis.createStream(streamName, 1);
  // The command waits in the client's offline queue, where nothing can take it back.
  const client = new Redis(redis.url);
  client.on('error', () => undefined);
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'stop-while-down-given',
    keyPrefix: uniqueKeyPrefix(),
    callTimeout: 30_000,
  });
  try {
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      finalWritesTimeoutMs: FINAL_WRITES_MS,
    });
    const subscription = consumer.subscribe({ error: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const since = performance.now();
    subscription.unsubscribe();
    await consumer.stopped();
    expect(performance.now() - since).toBeLessThan(FINAL_WRITES_MS / 2);
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});
