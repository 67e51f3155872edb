// A client of the user's that is not connected: a call waits for it to connect instead of
// entering its offline queue (where nothing can take a command back), so a heartbeat the caller
// gave up on, or one the checkpointer's close() ended, is never written once the client connects.
import { Redis } from 'ioredis';
import { CheckpointerClosedError } from '../../../src/checkpointers/errors/CheckpointerClosedError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { waitFor } from '../../support/streamRecords.js';
import { startRedisServer, type RedisServerProcess } from './redisServers.js';

jest.setTimeout(60_000);

const STREAM = 'orders';

let server: RedisServerProcess;
let admin: Redis;
let running = true;

async function stopRedis(): Promise<void> {
  running = false;
  await server.stop();
}

async function startRedis(): Promise<void> {
  if (!running) await server.start();
  running = true;
}

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  admin.disconnect();
  await server.close();
});

afterEach(async () => {
  await startRedis();
});

/** A client of the user's, `lazyConnect` (not connected until its first command). */
function lazyClient(): Redis {
  const client = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
  client.on('error', () => undefined);
  return client;
}

function open(client: Redis, keyPrefix: string): RedisCheckpointer {
  return new RedisCheckpointer({
    redis: client,
    name: 'given-offline',
    keyPrefix,
    sessionTimeout: 60_000,
    // Far longer than the test waits.
    callTimeout: 30_000,
  });
}

/** Redis is back, the client connected, and whatever it had queued written (PING goes after). */
async function drained(client: Redis, admin: Redis, keyPrefix: string): Promise<string[]> {
  await startRedis();
  expect(await client.ping()).toBe('PONG');
  return admin.keys(`${keyPrefix}*`);
}

it('writes no heartbeat the caller gave up on while a lazyConnect client could not connect', async () => {
  await stopRedis();
  const client = lazyClient();
  const keyPrefix = uniqueKeyPrefix();
  const checkpointer = open(client, keyPrefix);
  try {
    const stopping = new AbortController();
    const beat = checkpointer.heartbeat(STREAM, 'stopped-worker', { signal: stopping.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopping.abort(new Error('the consumer is stopping'));
    await expect(beat).rejects.toThrow('the consumer is stopping');
    await checkpointer.close();
    expect(await drained(client, admin, keyPrefix)).toEqual([]);
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});

it('close() ends a heartbeat waiting for the client at once, and it is never written', async () => {
  await stopRedis();
  const client = lazyClient();
  const keyPrefix = uniqueKeyPrefix();
  const checkpointer = open(client, keyPrefix);
  try {
    const beat = checkpointer.heartbeat(STREAM, 'closed-worker');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const since = performance.now();
    await checkpointer.close();
    expect(performance.now() - since).toBeLessThan(5_000);
    await expect(beat).rejects.toBeInstanceOf(CheckpointerClosedError);
    expect(await drained(client, admin, keyPrefix)).toEqual([]);
  } finally {
    client.disconnect();
  }
});

it('a call that ran out of callTimeout waiting for the client is never written', async () => {
  await stopRedis();
  const client = lazyClient();
  const keyPrefix = uniqueKeyPrefix();
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'given-offline',
    keyPrefix,
    sessionTimeout: 2_000,
    callTimeout: 500,
  });
  try {
    const error = await checkpointer.heartbeat(STREAM, 'late-worker').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(
      /the Redis client given did not connect within 500 ms \(callTimeout\): nothing was sent \(its status: \w+\)/,
    );
    expect(await drained(client, admin, keyPrefix)).toEqual([]);
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});

it('connects a lazyConnect client as its first command would, and leaves it connected', async () => {
  const client = lazyClient();
  const keyPrefix = uniqueKeyPrefix();
  const checkpointer = open(client, keyPrefix);
  try {
    expect(client.status).toBe('wait');
    await expect(checkpointer.heartbeat(STREAM, 'worker-a')).resolves.toEqual(expect.any(Number));
    expect(await checkpointer.liveWorkers(STREAM)).toEqual(['worker-a']);
    // Many calls waiting at once: one listener of each kind on the client, none left after.
    await stopRedis();
    // The client may see its socket close after the server's exit: the calls start once it has
    // (a fixed pause could end first on a loaded machine).
    await waitFor(() => client.status !== 'ready', {
      timeoutMs: 30_000,
      message: () => `the client still ${client.status} after the server stopped`,
    });
    const listeners = client.listenerCount('ready');
    const calls = Array.from({ length: 20 }, (_, i) => checkpointer.heartbeat(STREAM, `worker-${i}`));
    await waitFor(() => client.listenerCount('ready') > listeners, {
      timeoutMs: 30_000,
      message: () => `${client.listenerCount('ready') - listeners} more 'ready' listeners`,
    });
    // Time for every call to have started waiting (a listener each would show now).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.listenerCount('ready')).toBe(listeners + 1);
    await startRedis();
    await expect(Promise.all(calls)).resolves.toHaveLength(20);
    expect(client.listenerCount('ready')).toBe(listeners);
    expect(client.listenerCount('end')).toBe(0);
  } finally {
    await checkpointer.close();
    expect(client.status).toBe('ready');
    client.disconnect();
  }
});

it('still fails fast on a client without an offline queue', async () => {
  const client = new Redis({ host: '127.0.0.1', port: server.port, enableOfflineQueue: false });
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('ready', resolve));
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'given-offline',
    keyPrefix: uniqueKeyPrefix(),
    callTimeout: 30_000,
    retry: { baseMs: 20, capMs: 50, retryLimit: 2 },
  });
  try {
    await stopRedis();
    const since = performance.now();
    const error = await checkpointer.heartbeat(STREAM, 'worker-a').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(String((error as Error).cause)).toContain('enableOfflineQueue');
    expect(performance.now() - since).toBeLessThan(10_000);
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});

it('connects a lazyConnect client without an offline queue for the first call, which needs no retry', async () => {
  const client = new Redis({
    host: '127.0.0.1',
    port: server.port,
    lazyConnect: true,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  const warnings: string[] = [];
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'given-offline',
    keyPrefix: uniqueKeyPrefix(),
    callTimeout: 30_000,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => void warnings.push(message),
      error: () => undefined,
    },
  });
  try {
    await expect(checkpointer.heartbeat(STREAM, 'worker-a')).resolves.toEqual(expect.any(Number));
    expect(warnings).toEqual([]);
    expect(client.listenerCount('error')).toBe(1);
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});
