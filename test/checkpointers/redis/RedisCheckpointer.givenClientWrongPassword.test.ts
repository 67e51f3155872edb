// A client of the user's with a wrong password: a call fails at once with the server's WRONGPASS
// (not retriable), as when its command entered the client's offline queue, instead of waiting out
// callTimeout for a connection that never comes and failing as if Redis were down.
import { Redis, type RedisOptions } from 'ioredis';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { RedisCommandError } from '../../../src/checkpointers/redis/errors/RedisCommandError.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { startRedisServer, type RedisServerProcess } from './redisServers.js';

jest.setTimeout(60_000);

const PASSWORD = 'the-right-one';

let server: RedisServerProcess;

beforeAll(async () => {
  server = await startRedisServer({ args: ['--requirepass', PASSWORD] });
});

afterAll(async () => {
  await server.close();
});

it.each<[string, RedisOptions]>([
  ['lazyConnect', { lazyConnect: true }],
  ['connecting at once', {}],
  ['without a ready check', { enableReadyCheck: false }],
  ['without an offline queue', { enableOfflineQueue: false }],
  ['without an offline queue, lazyConnect', { enableOfflineQueue: false, lazyConnect: true }],
])('fails a call at once with WRONGPASS on a client with a wrong password (%s)', async (_, options) => {
  const client = new Redis({ host: '127.0.0.1', port: server.port, password: 'a-wrong-one', ...options });
  client.on('error', () => undefined);
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'given-wrong-password',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: 60_000,
    // Far longer than the call may take.
    callTimeout: 30_000,
  });
  try {
    const since = performance.now();
    const error = await checkpointer.heartbeat('orders', 'worker-a').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(performance.now() - since).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(RedisCommandError);
    expect((error as RedisCommandError).retriable).toBe(false);
    expect((error as Error).message).toContain('WRONGPASS');
    expect((error as Error).message).not.toContain('a-wrong-one');
    // The checkpointer's wait listens to 'ready' and 'end' together (and to 'error' without an
    // offline queue): none left.
    expect(client.listenerCount('end')).toBe(0);
    expect(client.listenerCount('error')).toBe(1);
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});
