// Case: Redis stops answering (CLIENT PAUSE: commands wait, unanswered) while a pipeline is at
// work, and the pipeline is unsubscribed during the outage (a shutdown). stopped() must still
// resolve (every Redis call has a deadline), the checkpointer close and leave no timer or socket
// behind. Once Redis answers again, the same consumer subscribed again takes the shard back
// (after the unreleased lease ran out) and resumes from the last position stored: every record
// is processed, the last position ends up stored.
import { Redis } from 'ioredis';
import { concatMap, map, timer, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, RedisCheckpointer } from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../../support/redis.js';
import { numbers, putRecords, waitFor } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';
import { activeResources, extraResources } from '../../../support/activeResources.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

const SHARD = 'shardId-000000000000';
const PAUSE_MS = 6000;

test('unsubscribed while Redis does not answer: stopped() resolves, nothing is left running, a new run resumes and loses nothing', async () => {
  const streamName = uniqueStreamName('redis-outage-stop');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const sequences = (await putRecords(client, streamName, numbers(30))).map((r) => r.sequenceNumber);
  client.destroy();
  const keyPrefix = uniqueKeyPrefix('redis-outage-stop');
  const admin = new Redis(redis.url);
  // The run's sockets: to the test Kinesis and Redis (not the local Kinesis's own to its store).
  const scope = { endpoints: [kinesis.endpoint, redis.url] };
  const baseline = activeResources(scope);
  const group = () =>
    new RedisCheckpointer({ redis: redis.url, name: 'outage', keyPrefix, sessionTimeout: 4000 });
  let checkpointer = group();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const processed = new Set<string>();
  const pipeline = () =>
    consumer.pipe(
      concatMap((record) => timer(20).pipe(map(() => record))),
      map((record) => {
        processed.add(record.sequenceNumber);
        return record;
      }),
      checkpoint({ batchSize: 1, intervalMs: 0 }),
    );
  let subscription: Subscription = pipeline().subscribe();
  let pausedAt = 0;
  try {
    await waitFor(() => processed.size >= 5, {
      timeoutMs: 30_000,
      message: () => `${processed.size} processed`,
    });
    await admin.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL');
    pausedAt = Date.now();
    subscription.unsubscribe();
    // Every call has a deadline (callTimeout is sessionTimeout / 2): the stop ends during the outage.
    await consumer.stopped();
    await checkpointer.close();
    await waitFor(() => extraResources(baseline, scope).length === 0, {
      timeoutMs: 15_000,
      message: () =>
        `still active after stopped() and close(): ${extraResources(baseline, scope).join(', ')}`,
    });

    // Redis answers again; the same consumer, with a new checkpointer of the group.
    await waitFor(() => Date.now() - pausedAt > PAUSE_MS, { timeoutMs: 30_000, message: () => 'pause' });
    checkpointer = group();
    const again = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    subscription = again
      .pipe(
        map((record) => {
          processed.add(record.sequenceNumber);
          return record;
        }),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe();
    await waitFor(() => processed.size === 30, {
      timeoutMs: 45_000,
      message: () => `${processed.size} of 30`,
    });
    await waitFor(
      async () => {
        const stored = await checkpointer.getCheckpoint(streamName, SHARD);
        return stored?.kind === 'position' && stored.position.sequenceNumber === sequences[29];
      },
      { timeoutMs: 20_000, message: () => 'the last position was not stored' },
    );
    subscription.unsubscribe();
    await again.stopped();
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    await checkpointer.close();
    await admin.quit();
  }
});
