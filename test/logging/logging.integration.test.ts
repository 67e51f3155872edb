// The logger option end to end: a producer, a consumer and a RedisCheckpointer (real Redis, the
// embedded Kinesis) write their lifecycle to a given logger, write nothing without one, and never
// write the password of the Redis URL.
import { createServer, type AddressInfo } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { firstValueFrom, take, toArray } from 'rxjs';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import type { Logger } from '../../src/logging/Logger.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { Producer } from '../../src/producer/Producer.js';
import { CaptureLogger } from '../support/captureLogger.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';

const PLANTED = 'Pl4nted-s3cret-9f1c';

let kinesis: TestKinesis;
let redis: TestRedis;
let client: KinesisClient;

beforeAll(async () => {
  kinesis = await startTestKinesis();
  redis = await startTestRedis();
  client = kinesis.createClient();
});

afterAll(async () => {
  client.destroy();
  await kinesis.close();
  await redis.close();
});

/** The test Redis's URL with a user and the planted password (Redis's default user takes any). */
function urlWithPassword(url: string): string {
  const parsed = new URL(url);
  parsed.username = 'default';
  parsed.password = PLANTED;
  return parsed.toString();
}

/** Produces 6 items, reads them back through a RedisCheckpointer, then shuts everything down. */
async function roundTrip(logger: Logger | undefined): Promise<void> {
  const streamName = uniqueStreamName('logging');
  await kinesis.createStream(streamName, 2);
  const withLogger = logger === undefined ? {} : { logger };
  const producer = new Producer<number>({ streamName, client, bufferTime: 10, ...withLogger });
  for (let i = 0; i < 6; i += 1) await producer.put(i);
  await producer.close();

  const checkpointer = new RedisCheckpointer({
    redis: urlWithPassword(redis.url),
    name: 'logging',
    keyPrefix: uniqueKeyPrefix('logging'),
    ...withLogger,
  });
  const consumer = fromKinesis({
    streamName,
    client,
    iteratorType: 'TRIM_HORIZON',
    sleepTimeNoRecords: 50,
    workerId: 'worker-1',
    ...withLogger,
  });
  const records = await firstValueFrom(consumer.pipe(checkpoint(checkpointer), take(6), toArray()));
  expect(records).toHaveLength(6);
  await consumer.stopped();
  await checkpointer.close();
}

describe('logger option', () => {
  it('logs the lifecycle of a producer, a consumer and a RedisCheckpointer, without the Redis password', async () => {
    const logger = new CaptureLogger();
    await roundTrip(logger);
    const info = logger.messages('info');
    expect(info).toEqual(
      expect.arrayContaining([
        'producer started',
        'producer ready',
        'producer closed',
        'Redis checkpointer opened',
        'connected to Redis',
        'consumer started',
        'lease acquired',
        'shard started',
        'lease released',
        'consumer stopped',
        'Redis checkpointer closed',
      ]),
    );
    expect(logger.messages('debug')).toEqual(
      expect.arrayContaining(['lease acquired', 'checkpoint written']),
    );
    // Started before stopped, opened before closed.
    const all = logger.messages();
    expect(all.indexOf('consumer started')).toBeLessThan(all.indexOf('consumer stopped'));
    expect(all.indexOf('Redis checkpointer opened')).toBeLessThan(all.indexOf('Redis checkpointer closed'));
    expect(logger.lines.every((line) => line.message.startsWith('rxjs-kinesis: '))).toBe(true);
    expect(logger.text()).toContain('redis://default:***@');
    expect(logger.text()).not.toContain(PLANTED);
  });

  it('logs nothing without a logger', async () => {
    const methods = ['debug', 'info', 'log', 'warn', 'error'] as const;
    const spies = methods.map((method) => jest.spyOn(console, method).mockImplementation(() => undefined));
    try {
      await roundTrip(undefined);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('logs retries and the failure of calls to an unreachable Redis without its password', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const logger = new CaptureLogger();
    const checkpointer = new RedisCheckpointer({
      redis: `redis://default:${PLANTED}@127.0.0.1:${closedPort}`,
      name: 'logging-down',
      retry: { baseMs: 10, capMs: 20, retryLimit: 2 },
      callTimeout: 5000,
      logger,
    });
    await expect(checkpointer.getCheckpoint('stream', 'shardId-000000000000')).rejects.toThrow();
    await checkpointer.close();
    expect(logger.messages('warn')).toEqual(
      expect.arrayContaining(['Redis connection failing', 'retrying Redis call']),
    );
    expect(logger.messages('error')).toEqual(['Redis call failed']);
    expect(logger.text()).toContain('ECONNREFUSED');
    expect(logger.text()).not.toContain(PLANTED);
  });
});
