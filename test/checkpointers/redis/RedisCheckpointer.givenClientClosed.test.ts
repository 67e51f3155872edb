// A client of the user's closed by the user (quit(), disconnect()): the calls waiting for it to
// connect, and those made later, end at once with RedisClientClosedError (not retriable: neither
// ioredis nor the checkpointer connects it again), not at callTimeout as if Redis were down. While
// the client waits to reconnect, ioredis emits nothing on disconnect() (it stays 'reconnecting'),
// and quit() waits in its offline queue.
import { Redis } from 'ioredis';
import { RedisClientClosedError } from '../../../src/checkpointers/redis/errors/RedisClientClosedError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { CheckpointerMisconfiguredError } from '../../../src/consumer/errors/CheckpointerMisconfiguredError.js';
import { fromKinesis } from '../../../src/observables/fromKinesis.js';
import { errorAfterLeaseAcquired } from '../../support/errorAfterLeaseAcquired.js';
import { startTestKinesis, uniqueStreamName } from '../../support/kinesis.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { startRedisServer, type RedisServerProcess } from './redisServers.js';

jest.setTimeout(60_000);

const STREAM = 'orders';
// Far longer than the calls may take.
const CALL_TIMEOUT_MS = 20_000;

let server: RedisServerProcess;
let running = true;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server.close();
});

afterEach(async () => {
  if (!running) await server.start();
  running = true;
});

async function connectedClient(): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port: server.port });
  client.on('error', () => undefined);
  await client.ping();
  return client;
}

function open(client: Redis): RedisCheckpointer {
  return new RedisCheckpointer({
    redis: client,
    name: 'given-closed',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: 2 * CALL_TIMEOUT_MS,
    callTimeout: CALL_TIMEOUT_MS,
  });
}

async function errorOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Redis stopped, and the client waiting to reconnect. */
async function reconnecting(client: Redis): Promise<void> {
  running = false;
  await server.stop();
  while (client.status !== 'reconnecting') await new Promise((resolve) => setTimeout(resolve, 20));
}

it.each([
  ['disconnect()', (client: Redis) => void client.disconnect()],
  ['quit()', (client: Redis) => void client.quit().catch(() => undefined)],
])('ends the calls waiting for a reconnection at once when the client is closed (%s)', async (_, close) => {
  const client = await connectedClient();
  const checkpointer = open(client);
  try {
    await checkpointer.heartbeat(STREAM, 'worker-a');
    await reconnecting(client);
    const beat = errorOf(checkpointer.heartbeat(STREAM, 'worker-a'));
    // Closed once the call waits for the reconnection (it listens for the client's 'end' then): a
    // fixed pause could end first on a loaded machine, and the call then found the client ended.
    const deadline = Date.now() + 10_000;
    while (client.listenerCount('end') === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    close(client);
    const since = performance.now();
    const error = await beat;
    expect(error).toBeInstanceOf(RedisClientClosedError);
    expect((error as RedisClientClosedError).retriable).toBe(false);
    expect((error as Error).message).toContain('while it waited to reconnect');
    // Well within callTimeout, however loaded the machine.
    expect(performance.now() - since).toBeLessThan(CALL_TIMEOUT_MS / 2);
    // A call made later fails at once too.
    await expect(checkpointer.liveWorkers(STREAM)).rejects.toBeInstanceOf(RedisClientClosedError);
    // No listener of the checkpointer is left on the client.
    expect(client.listenerCount('end')).toBe(0);
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});

it('fails a call on a client that was quit() at once, without retrying', async () => {
  const client = await connectedClient();
  const checkpointer = open(client);
  try {
    await checkpointer.heartbeat(STREAM, 'worker-a');
    await client.quit();
    const error = await errorOf(checkpointer.heartbeat(STREAM, 'worker-a'));
    expect(error).toBeInstanceOf(RedisClientClosedError);
    expect((error as Error).message).toContain('has ended');
    expect((error as RedisClientClosedError).context).toEqual({ streamName: STREAM });
  } finally {
    await checkpointer.close();
  }
});

it('stops a consumer at once with CheckpointerMisconfiguredError when its client is quit()', async () => {
  // Was: retried for checkpointerTimeoutMs (each try failing at once), then reported unreachable.
  const kinesis = await startTestKinesis();
  const client = await connectedClient();
  // Heartbeats every second or so: the closed client is noticed soon.
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'given-closed',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: 3_000,
  });
  try {
    const streamName = uniqueStreamName('given-client-quit');
    await kinesis.createStream(streamName, 1);
    const consumer = fromKinesis({
      streamName,
      client: kinesis.createClient(),
      checkpointer,
      checkpointerTimeoutMs: 120_000,
    });
    const { error, elapsedMs } = await errorAfterLeaseAcquired(consumer, () => client.quit());
    expect(error).toBeInstanceOf(CheckpointerMisconfiguredError);
    expect((error as CheckpointerMisconfiguredError).retriable).toBe(false);
    expect((error as CheckpointerMisconfiguredError).cause).toBeInstanceOf(RedisClientClosedError);
    expect((error as Error).message).toContain('has ended');
    // Far within checkpointerTimeoutMs, however loaded the machine.
    expect(elapsedMs).toBeLessThan(60_000);
  } finally {
    await checkpointer.close();
    await kinesis.close();
  }
}, 180_000);
