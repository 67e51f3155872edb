// Case: LATEST after a reshard. A group reads a 1-shard stream from LATEST and checkpoints, stops;
// the shard is split and 20 records land in the children; the group restarts with the same
// checkpointer. A child whose parent has a stored position must start at TRIM_HORIZON, so all 20
// records are read (they were lost for good when children started at AT_TIMESTAMP(restart)).
// Checked with a MemoryCheckpointer and with a RedisCheckpointer (consumer-group worker).
import { firstValueFrom, filter, take, type Subscription } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  RedisCheckpointer,
  type Checkpointer,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { numbers, putRecords, splitShard, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

const text = (record: KinesisRecord) => Buffer.from(record.data).toString();

/**
 * The group stays down a while after the records land (setup, not an assertion): arrival times
 * have one-second resolution, so a restart within the same second would read them either way.
 */
const downtime = () => new Promise((resolve) => setTimeout(resolve, 2100));

const checkpointers: Record<string, () => Checkpointer> = {
  memory: () => new MemoryCheckpointer(),
  redis: () =>
    new RedisCheckpointer({
      redis: redis.url,
      name: 'latest-after-reshard',
      keyPrefix: uniqueKeyPrefix('latest'),
      sessionTimeout: 3000,
      heartbeatInterval: 500,
    }),
};

test.each(Object.keys(checkpointers))(
  'with a %s checkpointer, records written to the children while the group was stopped are read on restart',
  async (kind) => {
    const streamName = uniqueStreamName('latest-reshard');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const checkpointer = (checkpointers[kind] as () => Checkpointer)();
    const options = {
      streamName,
      ...pollingConnection(kinesis),
      checkpointer,
      iteratorType: 'LATEST' as const,
      shardRefreshInterval: 200,
    };
    let subscription: Subscription | undefined;
    try {
      // Run 1: read from LATEST, process and checkpoint a few records, stop.
      const run1 = fromKinesis(options);
      const firstRun: string[] = [];
      const started = firstValueFrom(run1.events$.pipe(filter((e) => e.type === 'shard-started')));
      subscription = run1.pipe(checkpoint({ batchSize: 1 })).subscribe((r) => firstRun.push(text(r)));
      await started;
      // LATEST starts wherever the iterator was taken: keep writing until records arrive.
      let next = 0;
      await waitFor(
        async () => {
          if (firstRun.length >= 3) return true;
          await putRecords(client, streamName, [`before-${next++}`]);
          return false;
        },
        { timeoutMs: 30_000, pollMs: 200, message: () => `run 1 read ${firstRun.length} records` },
      );
      subscription.unsubscribe();
      await run1.stopped();
      const stored = await checkpointer.getCheckpoint(streamName, 'shardId-000000000000');
      expect(stored?.kind).toBe('position');

      // The stream is resharded while the group is down; 20 records land in the children.
      await splitShard(client, streamName);
      const childRecords = await putRecords(client, streamName, numbers(20, 1000));
      expect(childRecords.every((r) => r.shardId !== 'shardId-000000000000')).toBe(true);
      await downtime();

      // Run 2: same group, same checkpointer: the children start at TRIM_HORIZON.
      const run2 = fromKinesis(options);
      const secondRun: string[] = [];
      subscription = run2.pipe(checkpoint({ batchSize: 1 })).subscribe((r) => secondRun.push(text(r)));
      const expected = childRecords.map((r) => r.data);
      await waitFor(() => expected.every((value) => secondRun.includes(value)), {
        timeoutMs: 30_000,
        message: () =>
          `restart read ${expected.filter((v) => secondRun.includes(v)).length} of the 20 records ` +
          `written to the children while the group was stopped`,
      });
      subscription.unsubscribe();
      await run2.stopped();
    } finally {
      subscription?.unsubscribe();
      await checkpointer.close();
      client.destroy();
    }
  },
);

test('a worker that joins a group after a reshard reads the children from TRIM_HORIZON', async () => {
  // Same as above, but the restarted worker is a new one (another workerId) of the Redis group.
  const streamName = uniqueStreamName('latest-join');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const keyPrefix = uniqueKeyPrefix('latest-join');
  const group = () =>
    new RedisCheckpointer({
      redis: redis.url,
      name: 'latest-join',
      keyPrefix,
      sessionTimeout: 3000,
      heartbeatInterval: 500,
    });
  const base = {
    streamName,
    ...pollingConnection(kinesis),
    iteratorType: 'LATEST' as const,
    shardRefreshInterval: 200,
  };
  const first = group();
  const second = group();
  let subscription: Subscription | undefined;
  try {
    const run1 = fromKinesis({ ...base, checkpointer: first, workerId: 'worker-1' });
    const firstRun: string[] = [];
    const started = firstValueFrom(run1.events$.pipe(filter((e) => e.type === 'shard-started')));
    subscription = run1.pipe(checkpoint({ batchSize: 1 }), take(3)).subscribe((r) => firstRun.push(text(r)));
    await started;
    let next = 0;
    await waitFor(
      async () => {
        if (firstRun.length >= 3) return true;
        await putRecords(client, streamName, [`before-${next++}`]);
        return false;
      },
      { timeoutMs: 30_000, pollMs: 200, message: () => `worker 1 read ${firstRun.length} records` },
    );
    await run1.stopped();

    await splitShard(client, streamName);
    const childRecords = await putRecords(client, streamName, numbers(20, 2000));
    await downtime();

    const run2 = fromKinesis({ ...base, checkpointer: second, workerId: 'worker-2' });
    const secondRun: string[] = [];
    subscription = run2.pipe(checkpoint({ batchSize: 1 })).subscribe((r) => secondRun.push(text(r)));
    const expected = childRecords.map((r) => r.data);
    await waitFor(() => expected.every((value) => secondRun.includes(value)), {
      timeoutMs: 30_000,
      message: () =>
        `the joining worker read ${expected.filter((v) => secondRun.includes(v)).length} of the 20 ` +
        `records written to the children after the reshard`,
    });
    subscription.unsubscribe();
    await run2.stopped();
  } finally {
    subscription?.unsubscribe();
    await first.close();
    await second.close();
    client.destroy();
  }
});
