// Case: in a group, a shard whose reads keep timing out is given up. Two fromKinesis() workers share
// a RedisCheckpointer; worker A's GetShardIterator/GetRecords go to a local Kinesis that never
// answers (black hole), everything else to a healthy one. A takes the shard first; after
// `stallTimeouts` timed-out reads it reports shard-stalled and releases the lease, and worker B,
// whose reads work, takes the shard over and processes every record. Once, A kept the lease
// renewed forever while reading nothing, so nobody read the shard.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Redis } from 'ioredis';
import { type Subscription } from 'rxjs';
import { createKinesisClient } from '../../../src/kinesis/createKinesisClient.js';
import { startLocalKinesis, type LocalKinesis } from '../../../src/local/startLocalKinesis.js';
import {
  checkpoint,
  fromKinesis,
  RedisCheckpointer,
  type ConsumerEvent,
  type KinesisRecord,
} from '../../../src/index.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';

jest.setTimeout(120_000);

let kinesis: TestKinesis;
let blackHole: LocalKinesis;
let redis: TestRedis;
beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
  blackHole = await startLocalKinesis({ faults: { blackHoleRate: 1 } });
  redis = await startTestRedis();
});
afterAll(async () => {
  await kinesis.close();
  await blackHole.close();
  await redis.close();
});

const READS = new Set(['GetShardIteratorCommand', 'GetRecordsCommand']);

/** A client of the healthy server whose reads are sent to the black hole instead. */
function clientWithStalledReads(requestTimeout: number): KinesisClient {
  const client = createKinesisClient({
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    requestTimeout,
  });
  const port = Number(new URL(blackHole.endpoint).port);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { port?: number; headers?: Record<string, string> };
      if (READS.has(context.commandName ?? '') && request.headers !== undefined) {
        request.port = port;
        request.headers.host = `127.0.0.1:${port}`;
      }
      return next(args);
    },
    { step: 'build', name: 'stalledReads' },
  );
  return client;
}

const text = (record: KinesisRecord) => Buffer.from(record.data).toString();

test('a worker whose reads keep timing out gives up its lease; another worker takes the shard and reads it', async () => {
  const streamName = uniqueStreamName('stalled-shard');
  await kinesis.createStream(streamName, 1);
  const healthy = kinesis.createClient();
  const stalledClient = clientWithStalledReads(500);
  const keyPrefix = uniqueKeyPrefix('stalled-shard');
  const connections = [new Redis(redis.url), new Redis(redis.url)];
  const group = (connection: Redis) =>
    new RedisCheckpointer({
      redis: connection,
      name: 'stalled-shard',
      keyPrefix,
      sessionTimeout: 6000,
      heartbeatInterval: 500,
    });
  const base = {
    streamName,
    shardFetchRate: 5,
    sleepTimeNoRecords: 20,
    shardRefreshInterval: 500,
    expoBackoff: 10,
    expoBackoffLimit: 50,
    retryLimit: Number.POSITIVE_INFINITY,
  };
  const a = fromKinesis({
    ...base,
    client: stalledClient,
    checkpointer: group(connections[0] as Redis),
    workerId: 'worker-a',
    stallTimeouts: 2,
  });
  const b = fromKinesis({
    ...base,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    checkpointer: group(connections[1] as Redis),
    workerId: 'worker-b',
  });
  const aEvents: ConsumerEvent[] = [];
  const bEvents: ConsumerEvent[] = [];
  const errors: unknown[] = [];
  const byA: string[] = [];
  const byB: string[] = [];
  const subscriptions: Subscription[] = [
    a.events$.subscribe((e) => aEvents.push(e)),
    b.events$.subscribe((e) => bEvents.push(e)),
  ];
  try {
    subscriptions.push(
      a
        .pipe(checkpoint({ batchSize: 1 }))
        .subscribe({ next: (r) => byA.push(text(r)), error: (e) => errors.push(e) }),
    );
    await waitFor(() => aEvents.some((e) => e.type === 'lease-acquired'), {
      timeoutMs: 30_000,
      message: () => `worker A events: ${aEvents.map((e) => e.type).join(', ')}`,
    });
    subscriptions.push(
      b
        .pipe(checkpoint({ batchSize: 1 }))
        .subscribe({ next: (r) => byB.push(text(r)), error: (e) => errors.push(e) }),
    );
    const written = await putRecords(healthy, streamName, numbers(10));

    await waitFor(() => written.every((r) => byB.includes(r.data)), {
      timeoutMs: 60_000,
      message: () =>
        `worker B processed ${byB.length} of ${written.length}; A: ${aEvents.map((e) => e.type).join(', ')}`,
    });
    const stalled = aEvents.find((e) => e.type === 'shard-stalled');
    expect(stalled).toMatchObject({ type: 'shard-stalled', shardId: 'shardId-000000000000', timeouts: 2 });
    expect(aEvents.map((e) => e.type)).toContain('lease-released');
    expect(byA).toEqual([]);
    expect(errors).toEqual([]);
    expect(blackHole.stats.injectedBlackHoles).toBeGreaterThanOrEqual(2);
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await Promise.all([a.stopped(), b.stopped()]);
    stalledClient.destroy();
    healthy.destroy();
    await Promise.all(connections.map((connection) => connection.quit()));
  }
});
