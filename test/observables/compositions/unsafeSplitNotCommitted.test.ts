// Case: a shard split across checkpoint()s of one subscriber (groupBy on the partition key, a
// checkpoint() per group, groups at different speeds). The fast group's passes settle the slow
// group's records still queued behind its work; the slow group then errors with
// OutOfOrderCheckpointError. The consumer used to write the position the fast group had reached
// when it stopped on that error, so the slow group's queued records were skipped for good by the
// next run, in every shard the groups shared, not only the one where the error showed. Now the
// readings write nothing more once their positions are known untrustworthy: each shard is read
// again from the last position written before (at once, for the pipelines that go on; by the
// next run otherwise). The same for MulticastCheckpointError (share()).
import { Redis } from 'ioredis';
import { concatMap, groupBy, lastValueFrom, map, mergeMap, share, timer } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  MulticastCheckpointError,
  OutOfOrderCheckpointError,
  RedisCheckpointer,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';

/** Work of `ms` per record, noted in `done` when finished. */
const step = (ms: number, done: ProcessedLedger) =>
  concatMap((record: KinesisRecord) =>
    timer(ms).pipe(
      map(() => {
        done.add(record.shardId, record.sequenceNumber);
        return record;
      }),
    ),
  );

test('groupBy on the partition key, a checkpoint() per group: the error leaves no position ahead of the slow group', async () => {
  const streamName = uniqueStreamName('unsafe-split');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  // Partition keys key-0 and key-1 alternate.
  const written = await putRecords(client, streamName, numbers(12), 2);
  const ledger = new ProcessedLedger();
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => ledger.snapshot(shardId),
  });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  try {
    await expect(
      lastValueFrom(
        consumer.pipe(
          groupBy((record) => record.partitionKey),
          mergeMap((group) =>
            group.pipe(
              concatMap((record) =>
                timer(group.key === 'key-0' ? 300 : 5).pipe(
                  map(() => {
                    ledger.add(record.shardId, record.sequenceNumber);
                    return record;
                  }),
                ),
              ),
              checkpoint({ batchSize: 1000, intervalMs: 0 }),
            ),
          ),
        ),
      ),
    ).rejects.toBeInstanceOf(OutOfOrderCheckpointError);
    await consumer.stopped();
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
  } finally {
    client.destroy();
  }
});

test('groupBy on the partition key over several shards: the error leaves no position ahead in any shard', async () => {
  const streamName = uniqueStreamName('unsafe-split-shards');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  // 16 partition keys over 2 shards: each shard gets keys of both groups (even and odd).
  const written = await putRecords(client, streamName, numbers(48), 16);
  client.destroy();
  const ledger = new ProcessedLedger();
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => ledger.snapshot(shardId),
  });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  try {
    await expect(
      lastValueFrom(
        consumer.pipe(
          groupBy((record) => Number(record.partitionKey.slice('key-'.length)) % 2),
          mergeMap((group) =>
            group.pipe(
              step(group.key === 0 ? 200 : 2, ledger),
              checkpoint({ batchSize: 1000, intervalMs: 0 }),
            ),
          ),
        ),
      ),
    ).rejects.toBeInstanceOf(OutOfOrderCheckpointError);
  } finally {
    await consumer.stopped();
  }
  expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
});

test('share() before two checkpoint()s: the MulticastCheckpointError leaves no position ahead of the slow pipeline', async () => {
  const streamName = uniqueStreamName('unsafe-share');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(6));
  const fast = new ProcessedLedger();
  const slow = new ProcessedLedger();
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => [fast.snapshot(shardId), slow.snapshot(shardId)],
  });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const shared = consumer.pipe(share());
  try {
    let fastSeen = 0;
    const fastRun = shared
      .pipe(step(5, fast), checkpoint({ batchSize: 1000, intervalMs: 0 }))
      .subscribe(() => (fastSeen += 1));
    await expect(
      lastValueFrom(shared.pipe(step(300, slow), checkpoint({ batchSize: 1000, intervalMs: 0 }))),
    ).rejects.toBeInstanceOf(MulticastCheckpointError);
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
    // The pipeline that goes on gets the shard again from the last position written (none).
    await waitFor(() => fastSeen >= 2 * written.length, {
      timeoutMs: 30_000,
      message: () => `the remaining pipeline got ${fastSeen} records`,
    });
    fastRun.unsubscribe();
    await consumer.stopped();
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: written[written.length - 1]?.sequenceNumber },
    });
  } finally {
    client.destroy();
  }
});

describe('with a RedisCheckpointer (leases through the group)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.close();
  });

  test('after MulticastCheckpointError the lease is given back and taken again: the remaining pipeline reads the shard again, nothing stored ahead', async () => {
    const streamName = uniqueStreamName('unsafe-share-redis');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const written = await putRecords(client, streamName, numbers(6));
    client.destroy();
    const fast = new ProcessedLedger();
    const slow = new ProcessedLedger();
    const connection = new Redis(redis.url);
    const redisCheckpointer = new RedisCheckpointer({
      redis: connection,
      name: 'unsafe-share',
      keyPrefix: uniqueKeyPrefix('unsafe-share'),
      sessionTimeout: 10_000,
    });
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      checkpointer: redisCheckpointer,
    });
    const shared = consumer.pipe(share());
    let fastSeen = 0;
    const fastRun = shared
      .pipe(step(5, fast), checkpoint({ batchSize: 1000, intervalMs: 0 }))
      .subscribe(() => (fastSeen += 1));
    try {
      await expect(
        lastValueFrom(shared.pipe(step(300, slow), checkpoint({ batchSize: 1000, intervalMs: 0 }))),
      ).rejects.toBeInstanceOf(MulticastCheckpointError);
      expect(await redisCheckpointer.getCheckpoint(streamName, SHARD)).toBeUndefined();
      await waitFor(() => fastSeen >= 2 * written.length, {
        timeoutMs: 30_000,
        message: () => `the remaining pipeline got ${fastSeen} records`,
      });
      expect(await redisCheckpointer.getCheckpoint(streamName, SHARD)).toBeUndefined();
    } finally {
      fastRun.unsubscribe();
      await consumer.stopped();
    }
    try {
      expect(await redisCheckpointer.getCheckpoint(streamName, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: written[written.length - 1]?.sequenceNumber },
      });
    } finally {
      await redisCheckpointer.close();
      await connection.quit();
    }
  });
});
