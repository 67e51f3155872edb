// Case: stopped() awaited from a `complete` callback (after take(n)) resolves only once the final
// checkpoint is written and the lease released, so `await consumer.stopped(); await redis.quit()`
// is a safe shutdown. Once stopped() resolved at once there, Redis was closed before the last
// checkpoint was written: no position saved, the lease left held (a restart waited for it to
// expire, then read everything again).
import { Redis } from 'ioredis';
import { take } from 'rxjs';
import { checkpoint, fromKinesis, RedisCheckpointer } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { numbers, putRecords } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

const SHARD = 'shardId-000000000000';

test('awaiting stopped() in complete after take(10), then closing Redis, leaves the position stored and the lease free', async () => {
  const streamName = uniqueStreamName('stopped-after-take');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(30));
  const keyPrefix = uniqueKeyPrefix('stopped-after-take');
  const group = (connection: Redis) =>
    new RedisCheckpointer({
      redis: connection,
      name: 'stopped-after-take',
      keyPrefix,
      sessionTimeout: 30_000,
    });

  const connection = new Redis(redis.url);
  const checkpointer = group(connection);
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
  });
  // Only the final flush writes: no count or timer commits before take(10) completes.
  const shutdown = await new Promise<Promise<void>>((resolve, reject) => {
    consumer.pipe(checkpoint({ batchSize: 1000, intervalMs: 0 }), take(10)).subscribe({
      error: reject,
      complete: () =>
        resolve(
          (async () => {
            await consumer.stopped();
            await checkpointer.close();
            await connection.quit();
          })(),
        ),
    });
  });
  await shutdown;

  const lookConnection = new Redis(redis.url);
  const look = group(lookConnection);
  try {
    expect(await look.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: written[9]?.sequenceNumber },
    });
    const held = (await look.listLeases(streamName)).filter(
      (lease) => lease.owner !== undefined && (lease.expiresAt ?? 0) > Date.now(),
    );
    expect(held).toEqual([]);
  } finally {
    await look.close();
    await lookConnection.quit();
    client.destroy();
  }
});
