import { createServer, type AddressInfo } from 'node:net';
import { RedisConnection } from '../../../src/checkpointers/redis/RedisConnection.js';
import { startTestRedis, type TestRedis } from '../../support/redis.js';

const CONTEXT = { streamName: 'stream', shardId: 'shardId-000000000000' };
const CALLS = 25;

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listeners(connection: RedisConnection): Record<string, number> {
  const client = connection.client;
  return Object.fromEntries(['ready', 'error', 'end'].map((event) => [event, client.listenerCount(event)]));
}

describe('RedisConnection.ready() with many calls waiting at once', () => {
  it('adds no client listener per waiting call, and all of them go on once connected', async () => {
    const connection = new RedisConnection({ url: redis.url, connectTimeoutMs: 10_000 });
    try {
      const before = listeners(connection);
      const waiting = Array.from({ length: CALLS }, () => connection.ready(20_000, 'test', CONTEXT));
      // More than EventEmitter's default of 10 per event would print MaxListenersExceededWarning.
      expect(listeners(connection)).toEqual(before);
      await expect(Promise.all(waiting)).resolves.toHaveLength(CALLS);
      expect(listeners(connection)).toEqual(before);
    } finally {
      await connection.close(5000);
    }
  });

  it('adds no client listener per waiting call, and all of them fail with the attempt error', async () => {
    const port = await closedPort();
    const connection = new RedisConnection({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 10_000 });
    try {
      const before = listeners(connection);
      const waiting = Array.from({ length: CALLS }, () =>
        connection.ready(20_000, 'test', CONTEXT).then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
      expect(listeners(connection)).toEqual(before);
      const errors = await Promise.all(waiting);
      for (const error of errors)
        expect(String(error)).toMatch(new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    } finally {
      await connection.close(5000);
    }
  });
});
