// Case: two fromKinesis() consumers in one process share ONE RedisCheckpointer instance (one
// group, two workers). Every record is processed; when one stops, the other takes its shards
// over and reads on from the stored positions: nothing lost, and the checkpointer stays usable
// for the one still running.
import { concatMap, map, timer, type Subscription } from 'rxjs';
import { checkpoint, deserialize, fromKinesis, RedisCheckpointer } from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../../support/redis.js';
import { numbers, putRecords, waitFor } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

test('two consumers over one RedisCheckpointer instance: every record read; one stops, the other reads on', async () => {
  const streamName = uniqueStreamName('one-checkpointer-two-consumers');
  await kinesis.createStream(streamName, 4);
  const client = kinesis.createClient();
  await putRecords(client, streamName, numbers(80), 64);
  const checkpointer = new RedisCheckpointer({
    redis: redis.url,
    name: 'shared-instance',
    keyPrefix: uniqueKeyPrefix('shared-instance'),
    sessionTimeout: 6000,
  });
  const seen = [new Map<number, number>(), new Map<number, number>()];
  const consumers = [0, 1].map((worker) =>
    fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer, workerId: `worker-${worker}` }),
  );
  const errors: unknown[] = [];
  const subscriptions: Subscription[] = consumers.map((consumer, worker) =>
    consumer
      .pipe(
        deserialize<number>(),
        concatMap((item) => timer(5).pipe(map(() => item))),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe({
        next: (item) => seen[worker]?.set(item.data, (seen[worker]?.get(item.data) ?? 0) + 1),
        error: (error: unknown) => errors.push(error),
      }),
  );
  const all = () => new Set([...(seen[0]?.keys() ?? []), ...(seen[1]?.keys() ?? [])]);
  try {
    await waitFor(() => errors.length > 0 || all().size === 80, {
      timeoutMs: 60_000,
      message: () => `${all().size} of 80 read`,
    });
    expect(errors).toEqual([]);
    // Worker 0 stops; more records come; worker 1 reads them all, including worker 0's shards.
    subscriptions[0]?.unsubscribe();
    await consumers[0]?.stopped();
    await putRecords(client, streamName, numbers(40, 80), 64);
    await waitFor(() => errors.length > 0 || numbers(40, 80).every((n) => seen[1]?.has(Number(n)) === true), {
      timeoutMs: 60_000,
      message: () => `worker 1 read ${[...(seen[1]?.keys() ?? [])].filter((n) => n >= 80).length} of 40 new`,
    });
    expect(errors).toEqual([]);
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await Promise.all(consumers.map((consumer) => consumer.stopped()));
    await checkpointer.close();
    client.destroy();
  }
});
