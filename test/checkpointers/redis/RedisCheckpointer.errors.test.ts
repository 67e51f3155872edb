import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { CheckpointerClosedError } from '../../../src/checkpointers/errors/CheckpointerClosedError.js';
import { RedisCommandError } from '../../../src/checkpointers/redis/errors/RedisCommandError.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { RedisKeys } from '../../../src/checkpointers/redis/redisKeys.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  await client.quit();
  await redis.close();
});

describe('RedisCheckpointer with a given client', () => {
  it('uses the client and leaves it open on close', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const stream = `stream-${randomUUID()}`;
    const checkpointer = new RedisCheckpointer({ redis: client, name: 'app', keyPrefix });
    const lease = await checkpointer.acquireLease(stream, 'shard-1', 'w');
    await checkpointer.checkpoint(lease!, { sequenceNumber: '12', subSequenceNumber: 0 });
    expect(await client.hgetall(new RedisKeys(keyPrefix, 'app').shard(stream, 'shard-1'))).toMatchObject({
      owner: 'w',
      seq: '12',
      sub: '0',
    });
    await checkpointer.close();
    await expect(checkpointer.heartbeat(stream, 'w')).rejects.toBeInstanceOf(CheckpointerClosedError);
    expect(await client.ping()).toBe('PONG');
  });

  it('runs its scripts again after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
    const checkpointer = new RedisCheckpointer({ redis: client, name: 'app', keyPrefix: uniqueKeyPrefix() });
    const stream = `stream-${randomUUID()}`;
    const lease = await checkpointer.acquireLease(stream, 'shard-1', 'w');
    await client.script('FLUSH');
    await expect(checkpointer.renewLease(lease!)).resolves.toMatchObject({ owner: 'w' });
  });

  it('raises a non-retriable RedisCommandError for a permanent Redis error, naming the shard', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const stream = `stream-${randomUUID()}`;
    await client.set(new RedisKeys(keyPrefix, 'app').shard(stream, 'shard-1'), 'not a hash');
    const checkpointer = new RedisCheckpointer({ redis: client, name: 'app', keyPrefix });
    const error = await checkpointer.acquireLease(stream, 'shard-1', 'w').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisCommandError);
    expect(error).toMatchObject({
      retriable: false,
      operation: 'acquireLease',
      context: { shardId: 'shard-1' },
    });
    expect((error as Error).message).toMatch(/WRONGTYPE/);
  });
});

describe('RedisCheckpointer with a retry.random that throws or draws outside [0, 1)', () => {
  it.each([
    ['draws 2', () => 2],
    ['draws NaN', () => Number.NaN],
    [
      'throws',
      () => {
        throw new Error('no draw');
      },
    ],
  ])(
    '%s: a Redis that cannot be reached still fails its calls as unreachable (retriable)',
    async (_title, random) => {
      // A port nothing listens on: every attempt fails, and the waits between them draw from random.
      const port = await new Promise<number>((resolve) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => {
          const { port: free } = server.address() as AddressInfo;
          server.close(() => resolve(free));
        });
      });
      const checkpointer = new RedisCheckpointer({
        redis: `redis://127.0.0.1:${port}`,
        name: 'app',
        keyPrefix: uniqueKeyPrefix(),
        retry: { baseMs: 10, capMs: 20, retryLimit: 2, random },
      });
      try {
        const error = await checkpointer.acquireLease(`stream-${randomUUID()}`, 'shard-1', 'w').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RedisUnavailableError);
        expect(error).toMatchObject({ retriable: true });
      } finally {
        await checkpointer.close();
      }
    },
  );
});
