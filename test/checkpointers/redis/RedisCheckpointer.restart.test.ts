import { randomUUID } from 'node:crypto';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { CaptureLogger } from '../../support/captureLogger.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { startRedisServer, type RedisServerProcess } from './redisServers.js';

const SHARD = 'shardId-000000000000';

let server: RedisServerProcess;
const opened: RedisCheckpointer[] = [];

beforeAll(async () => {
  server = await startRedisServer({ appendOnly: true });
});

afterAll(async () => {
  await Promise.all(opened.map((checkpointer) => checkpointer.close()));
  await server.close();
});

function checkpointer(keyPrefix: string, retryLimit: number): RedisCheckpointer {
  const cp = new RedisCheckpointer({
    redis: server.url,
    name: 'restart',
    sessionTimeout: 10_000,
    keyPrefix,
    retry: { baseMs: 50, capMs: 300, retryLimit },
  });
  opened.push(cp);
  return cp;
}

describe('RedisCheckpointer across a Redis restart (AOF on)', () => {
  it('keeps checkpoints and leases, and retries calls made while Redis is down', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const stream = `stream-${randomUUID()}`;
    const cp = checkpointer(keyPrefix, 30);
    const lease = (await cp.acquireLease(stream, SHARD, 'worker-a'))!;
    await cp.checkpoint(lease, { sequenceNumber: '100', subSequenceNumber: 2 });

    await server.stop();
    const during = cp.checkpoint(lease, { sequenceNumber: '200' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.start();

    await expect(during).resolves.toBe(true);
    await expect(cp.renewLease(lease)).resolves.toMatchObject({ token: lease.token });
    const fresh = checkpointer(keyPrefix, 5);
    expect(await fresh.getCheckpoint(stream, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: '200' },
    });
    expect(await fresh.acquireLease(stream, SHARD, 'worker-b')).toBeUndefined();
  }, 60_000);

  it('rejects with a retriable RedisUnavailableError when Redis stays down', async () => {
    const stream = `stream-${randomUUID()}`;
    const cp = checkpointer(uniqueKeyPrefix(), 2);
    await cp.heartbeat(stream, 'worker-a');
    await server.stop();
    try {
      const error = await cp.getCheckpoint(stream, SHARD).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect(error).toMatchObject({
        retriable: true,
        operation: 'getCheckpoint',
        attempts: 3,
        context: { streamName: stream, shardId: SHARD },
      });
    } finally {
      await server.start();
    }
    expect(await cp.liveWorkers(stream)).toEqual(['worker-a']);
  }, 60_000);

  it('warns of a new outage after Redis came back, also within a minute of the last warning', async () => {
    const stream = `stream-${randomUUID()}`;
    const logger = new CaptureLogger();
    // The clock stands still: every outage below starts within a minute of the warning before.
    const cp = new RedisCheckpointer({
      redis: server.url,
      name: 'restart-warnings',
      keyPrefix: uniqueKeyPrefix(),
      retry: { baseMs: 50, capMs: 100, retryLimit: 2 },
      now: () => Date.UTC(2026, 0, 1),
      logger,
    });
    opened.push(cp);
    const warnings = () =>
      logger.messages('warn').filter((message) => message === 'Redis connection failing');
    const outage = async (): Promise<void> => {
      await server.stop();
      try {
        await expect(cp.getCheckpoint(stream, SHARD)).rejects.toBeInstanceOf(RedisUnavailableError);
      } finally {
        await server.start();
      }
    };
    await cp.heartbeat(stream, 'worker-a');
    await outage();
    expect(warnings()).toHaveLength(1);
    // Retries within one outage fail connection after connection: one warning for them all.
    await expect(cp.getCheckpoint(stream, SHARD)).resolves.toBeUndefined();
    await outage();
    expect(warnings()).toHaveLength(2);
    // Back: the connection is logged after each warning.
    await expect(cp.getCheckpoint(stream, SHARD)).resolves.toBeUndefined();
    expect(logger.messages('info').filter((message) => message === 'connected to Redis')).toHaveLength(3);
  }, 60_000);
});
