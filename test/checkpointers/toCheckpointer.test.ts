import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import {
  DEFAULT_CHECKPOINTER_NAME,
  isCheckpointerArgument,
  toCheckpointer,
} from '../../src/checkpointers/toCheckpointer.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

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

describe('toCheckpointer', () => {
  it('returns a Checkpointer as it is', () => {
    const memory = new MemoryCheckpointer();
    expect(toCheckpointer(memory)).toBe(memory);
  });

  it('wraps an ioredis Redis client in a RedisCheckpointer with the documented defaults', async () => {
    const checkpointer = toCheckpointer(client);
    expect(checkpointer).toBeInstanceOf(RedisCheckpointer);
    expect(checkpointer).toMatchObject({
      name: DEFAULT_CHECKPOINTER_NAME,
      leaseDurationMs: 60_000,
      heartbeatIntervalMs: 15_000,
      callTimeoutMs: 30_000,
    });
    const stream = `stream-${randomUUID()}`;
    const lease = await checkpointer.acquireLease(stream, 'shard-1', 'worker-a');
    expect(lease).toMatchObject({ owner: 'worker-a' });
    await checkpointer.checkpoint(lease!, { sequenceNumber: '7' });
    expect(await toCheckpointer(client).getCheckpoint(stream, 'shard-1')).toEqual({
      kind: 'position',
      position: { sequenceNumber: '7' },
    });
    await checkpointer.releaseLease(lease!);
  });

  it('gives the same checkpointer for the same client until it is closed, and leaves the client open', async () => {
    const first = toCheckpointer(client);
    expect(toCheckpointer(client)).toBe(first);
    await first.close();
    expect(await client.ping()).toBe('PONG');
    const second = toCheckpointer(client);
    expect(second).not.toBe(first);
    expect(await second.getCheckpoint(`stream-${randomUUID()}`, 'shard-1')).toBeUndefined();
  });

  it('wraps an ioredis Cluster client', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    try {
      expect(toCheckpointer(cluster)).toBeInstanceOf(RedisCheckpointer);
    } finally {
      cluster.disconnect();
    }
  });

  it.each([
    ['an options object', { mode: 'normal' }],
    ['a Map', new Map()],
    ['a number', 42],
    ['undefined', undefined],
    ['a URL string', 'redis://:hunter2-secret@127.0.0.1:6379'],
  ])('refuses %s with an InvalidOptionError saying what is accepted', (_case, value) => {
    let error: unknown;
    try {
      toCheckpointer(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe('checkpointer');
    expect((error as Error).message).toMatch(
      /expected a Checkpointer .* or an ioredis Redis or Cluster instance/,
    );
    expect((error as Error).message).not.toContain('hunter2-secret');
  });

  it('names the option it was given', () => {
    expect(() => toCheckpointer(new Map(), 'checkpoint()')).toThrow(
      /Invalid option "checkpoint\(\)": got "\[Map\]"/,
    );
  });
});

describe('isCheckpointerArgument', () => {
  it('tells checkpointers, clients and other instances from options objects', () => {
    expect(isCheckpointerArgument(new MemoryCheckpointer())).toBe(true);
    expect(isCheckpointerArgument(client)).toBe(true);
    expect(isCheckpointerArgument(new Map())).toBe(true);
    expect(isCheckpointerArgument({ batchSize: 10 })).toBe(false);
    expect(isCheckpointerArgument(Object.create(null))).toBe(false);
    expect(isCheckpointerArgument(undefined)).toBe(false);
  });
});
