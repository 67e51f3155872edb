// Case: the Redis process is frozen (SIGSTOP: connections accepted by the kernel, nothing read or
// answered) while checkpoint writes are in flight, and the pipeline is unsubscribed then (a
// shutdown). stopped() resolves within the bound the calls' deadlines give (the write in flight,
// the final write and the lease release each end after callTimeout), no promise rejection goes
// unhandled, and once the checkpointer is closed no timer or socket of the run is left, all while
// Redis is still frozen. When it runs again (SIGCONT), a new run resumes from the last position
// stored, so every record is processed at least once and the last one ends up stored.
import { concatMap, map, timer, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, RedisCheckpointer } from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { uniqueKeyPrefix } from '../../../support/redis.js';
import { startRedisServer } from '../../../checkpointers/redis/redisServers.js';
import { numbers, putRecords, waitFor } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';
import { activeResources, extraResources } from '../../../support/activeResources.js';

jest.setTimeout(120_000);
const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';
const CALL_TIMEOUT_MS = 1_500;
const COUNT = 40;

test('unsubscribed while a write waits on a frozen Redis: stopped() resolves in bound, nothing left, a restart loses nothing', async () => {
  const streamName = uniqueStreamName('redis-sigstop');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const sequences = (await putRecords(client, streamName, numbers(COUNT))).map((r) => r.sequenceNumber);
  client.destroy();
  // A redis-server of this test's own: it is frozen and thawed by signals.
  const redis = await startRedisServer();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const keyPrefix = uniqueKeyPrefix('redis-sigstop');
  const group = () =>
    new RedisCheckpointer({
      redis: redis.url,
      name: 'sigstop',
      keyPrefix,
      sessionTimeout: 4_000,
      callTimeout: CALL_TIMEOUT_MS,
    });
  // The run's sockets: to the test Kinesis and Redis (not the local Kinesis's own to its store).
  const scope = { endpoints: [kinesis.endpoint, redis.url] };
  const baseline = activeResources(scope);
  let checkpointer = group();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const processed = new Set<string>();
  const written: string[] = [];
  const events = consumer.events$.subscribe((event) => {
    if (event.type === 'checkpoint-written' && event.position !== 'SHARD_END')
      written.push(event.position.sequenceNumber);
  });
  const pipeline = (source: typeof consumer) =>
    source.pipe(
      concatMap((record) => timer(10).pipe(map(() => record))),
      map((record) => {
        processed.add(record.sequenceNumber);
        return record;
      }),
      checkpoint({ batchSize: 1, intervalMs: 0 }),
    );
  let subscription: Subscription = pipeline(consumer).subscribe();
  let again: typeof consumer | undefined;
  try {
    await waitFor(() => written.length >= 3, {
      timeoutMs: 30_000,
      message: () => `${written.length} written`,
    });
    // Frozen between two writes of a busy pipeline: one is in flight or comes within 10 ms.
    redis.signal('SIGSTOP');
    const processedAtFreeze = processed.size;
    await waitFor(() => processed.size > processedAtFreeze, {
      timeoutMs: 30_000,
      message: () => 'nothing processed after the freeze',
    });
    const stoppingAt = Date.now();
    subscription.unsubscribe();
    await consumer.stopped();
    // The write in flight, the final write and the release each end by their deadline.
    expect(Date.now() - stoppingAt).toBeLessThan(3 * CALL_TIMEOUT_MS + 10_000);
    await checkpointer.close();
    await waitFor(() => extraResources(baseline, scope).length === 0, {
      timeoutMs: 15_000,
      message: () =>
        `still active after stopped() and close(): ${extraResources(baseline, scope).join(', ')}`,
    });
    expect(unhandled).toEqual([]);

    // Redis runs again: a new run resumes from what was stored and processes the rest.
    redis.signal('SIGCONT');
    checkpointer = group();
    again = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    subscription = pipeline(again).subscribe();
    await waitFor(() => processed.size === COUNT, {
      timeoutMs: 45_000,
      message: () => `${processed.size} of ${COUNT} processed`,
    });
    await waitFor(
      async () => {
        const stored = await checkpointer.getCheckpoint(streamName, SHARD);
        return stored?.kind === 'position' && stored.position.sequenceNumber === sequences[COUNT - 1];
      },
      { timeoutMs: 20_000, message: () => 'the last position was not stored' },
    );
    expect(unhandled).toEqual([]);
  } finally {
    subscription.unsubscribe();
    events.unsubscribe();
    redis.signal('SIGCONT');
    await consumer.stopped();
    await again?.stopped();
    await checkpointer.close();
    process.off('unhandledRejection', onUnhandled);
    await redis.close();
  }
});
