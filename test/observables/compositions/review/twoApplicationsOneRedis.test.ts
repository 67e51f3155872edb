// Case: two applications ("billing" and "audit") read one stream at the same time, each with its
// own RedisCheckpointer name over ONE shared ioredis connection. Their leases and positions are
// apart: each reads every record once, at its own pace; closing one application's checkpointer
// (the connection is the caller's) leaves the other one running; each restart resumes from its
// own position.
import { Redis } from 'ioredis';
import { concatMap, lastValueFrom, map, take, timer, toArray, type Subscription } from 'rxjs';
import { checkpoint, deserialize, fromKinesis, RedisCheckpointer } from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../../support/redis.js';
import { numbers, putRecords, waitFor } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

test('two application names over one connection: leases and positions apart, each reads every record once', async () => {
  const streamName = uniqueStreamName('two-apps');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(40));
  const keyPrefix = uniqueKeyPrefix('two-apps');
  const connection = new Redis(redis.url);
  const group = (name: string) =>
    new RedisCheckpointer({ redis: connection, name, keyPrefix, sessionTimeout: 10_000 });
  const billing = group('billing');
  let audit = group('audit');
  const billingConsumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer: billing });
  const billingSeen: number[] = [];
  let billingError: unknown;
  const billingRun: Subscription = billingConsumer
    .pipe(
      deserialize<number>(),
      concatMap((item) => timer(10).pipe(map(() => item))),
      checkpoint({ batchSize: 5, intervalMs: 100 }),
    )
    .subscribe({
      next: (item) => billingSeen.push(item.data),
      error: (error: unknown) => (billingError = error),
    });
  try {
    // Audit reads 15 records and stops (its checkpointer closed) while billing goes on.
    let auditConsumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer: audit });
    const auditFirst = await lastValueFrom(
      auditConsumer.pipe(
        deserialize<number>(),
        checkpoint({ intervalMs: 0 }),
        take(15),
        map((item) => item.data),
        toArray(),
      ),
    );
    await auditConsumer.stopped();
    await audit.close();
    expect(connection.status).toBe('ready');

    // Billing is not disturbed by audit's stop: it reads everything.
    await waitFor(() => billingError !== undefined || billingSeen.length >= 40, {
      timeoutMs: 45_000,
      message: () => `billing read ${billingSeen.length} of 40`,
    });
    expect(billingError).toBeUndefined();
    expect([...billingSeen].sort((a, b) => a - b)).toEqual(written.map((_, i) => i));

    // Audit resumes from its own positions: the 25 records it had not passed, once each.
    audit = group('audit');
    auditConsumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer: audit });
    const auditRest = await lastValueFrom(
      auditConsumer.pipe(
        deserialize<number>(),
        checkpoint({ intervalMs: 0 }),
        take(25),
        map((item) => item.data),
        toArray(),
      ),
    );
    await auditConsumer.stopped();
    expect([...auditFirst, ...auditRest].sort((a, b) => a - b)).toEqual(written.map((_, i) => i));

    // Each group holds its own leases: billing's are live, audit's released.
    const live = async (checkpointer: RedisCheckpointer) =>
      (await checkpointer.listLeases(streamName))
        .filter((lease) => lease.owner !== undefined && (lease.expiresAt ?? 0) > Date.now())
        .map((lease) => lease.shardId)
        .sort();
    expect(await live(billing)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(await live(audit)).toEqual([]);
  } finally {
    billingRun.unsubscribe();
    await billingConsumer.stopped();
    await billing.close();
    await audit.close();
    await connection.quit();
    client.destroy();
  }
});
