import { PutRecordCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { tap, type Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { untilActive } from '../local/untilActive.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { trimmingClient, type TrimmingHooks } from '../support/trimmingClient.js';
import { until } from '../support/streamRecords.js';

// A shard trimmed past the retention (after a split) while a consumer still has it in its
// listing: its reads answer ResourceNotFoundException, as for a deleted stream. The consumer
// tells the two apart (a listing made then shows the stream without the shard) and reads the
// shard as ended, so its children start; a deleted stream still ends it.

jest.setTimeout(60_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis();
});
afterAll(async () => {
  await kinesis.close();
});

const PARENT = 'shardId-000000000000';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (record: KinesisRecord) => Buffer.from(record.data).toString();

function put(admin: KinesisClient, streamName: string, data: string, hashKey: string) {
  return admin.send(
    new PutRecordCommand({
      StreamName: streamName,
      Data: Buffer.from(data),
      PartitionKey: 'k',
      ExplicitHashKey: hashKey,
    }),
  );
}

/** One shard with a record, split into two children with a record each. */
async function splitStream(): Promise<{ streamName: string; admin: KinesisClient }> {
  const streamName = uniqueStreamName('gone-shard');
  await kinesis.createStream(streamName, 1);
  const admin = kinesis.createClient();
  await put(admin, streamName, 'parent', '5000');
  await admin.send(
    new SplitShardCommand({ StreamName: streamName, ShardToSplit: PARENT, NewStartingHashKey: '1000' }),
  );
  await untilActive(admin, streamName);
  await put(admin, streamName, 'low', '0');
  await put(admin, streamName, 'high', '5000');
  return { streamName, admin };
}

interface Run {
  readonly seen: string[];
  readonly events: ConsumerEvent[];
  readonly failed: () => unknown;
  readonly checkpointer: MemoryCheckpointer;
  stop(): Promise<void>;
}

function consume(
  streamName: string,
  trimmed: Set<string>,
  options: {
    hooks?: TrimmingHooks;
    iteratorType?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
    timestamp?: Date;
    checkpointer?: MemoryCheckpointer;
  } = {},
): Run {
  const checkpointer = options.checkpointer ?? new MemoryCheckpointer();
  const consumer = fromKinesis({
    streamName,
    client: trimmingClient(kinesis.createClient(), trimmed, options.hooks),
    checkpointer,
    iteratorType: options.iteratorType ?? 'TRIM_HORIZON',
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    // Listed once at the start (and when a read asks): the listing stays out of date.
    shardRefreshInterval: 600_000,
    sleepTimeNoRecords: 20,
    retryLimit: 2,
    expoBackoff: 10,
  });
  const seen: string[] = [];
  const events: ConsumerEvent[] = [];
  let failure: unknown;
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  const subscription: Subscription = consumer
    .pipe(
      tap((record) => seen.push(text(record))),
      checkpoint(),
    )
    .subscribe({ error: (error: unknown) => (failure = error) });
  return {
    seen,
    events,
    checkpointer,
    failed: () => failure,
    stop: async () => {
      subscription.unsubscribe();
      await consumer.stopped();
      eventSubscription.unsubscribe();
    },
  };
}

test('a shard trimmed after the listing that showed it (GetShardIterator answers ResourceNotFound) ends: its children are read', async () => {
  const { streamName } = await splitStream();
  const trimmed = new Set<string>();
  // The first listing shows the parent; it is trimmed right after.
  const run = consume(streamName, trimmed, { hooks: { afterListShards: () => trimmed.add(PARENT) } });
  try {
    await until(() => run.failed() !== undefined || run.seen.length >= 2, 'the children records');
    expect(run.failed()).toBeUndefined();
    expect(run.seen.sort()).toEqual(['high', 'low']);
    expect(await run.checkpointer.getCheckpoint(streamName, PARENT)).toEqual({ kind: 'shard-end' });
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'shard-ended', shardId: PARENT }) as ConsumerEvent,
    );
  } finally {
    await run.stop();
  }
});

test('a shard trimmed while read (GetRecords answers ResourceNotFound) ends: its children are read', async () => {
  const { streamName } = await splitStream();
  const trimmed = new Set<string>();
  // The parent's iterator is handed out, then the parent is trimmed: its GetRecords is refused.
  const hooks = { afterShardIterator: (shardId: string) => shardId === PARENT && trimmed.add(PARENT) };
  const run = consume(streamName, trimmed, { hooks });
  try {
    await until(() => run.failed() !== undefined || run.seen.length >= 2, 'the children records');
    expect(run.failed()).toBeUndefined();
    expect(run.seen.sort()).toEqual(['high', 'low']);
    expect(await run.checkpointer.getCheckpoint(streamName, PARENT)).toEqual({ kind: 'shard-end' });
  } finally {
    await run.stop();
  }
});

test('a deleted stream still ends the consumer with StreamNotFoundError', async () => {
  const { streamName } = await splitStream();
  const run = consume(streamName, new Set());
  try {
    await until(() => run.seen.length >= 3, 'every record');
    await kinesis.deleteStream(streamName);
    await until(() => run.failed() !== undefined, 'the consumer to fail');
    expect(run.failed()).toBeInstanceOf(StreamNotFoundError);
  } finally {
    await run.stop();
  }
});

test('LATEST: the children of a trimmed parent whose SHARD_END is stored start at TRIM_HORIZON', async () => {
  const { streamName } = await splitStream();
  // The group read the parent to its end before it went down; the parent was trimmed meanwhile
  // and the children got records, never read.
  const checkpointer = new MemoryCheckpointer();
  const lease = await checkpointer.acquireLease(streamName, PARENT, 'earlier-worker');
  if (lease === undefined) throw new Error('no lease');
  await checkpointer.markShardEnd(lease);
  await checkpointer.releaseLease(lease);
  const run = consume(streamName, new Set([PARENT]), { iteratorType: 'LATEST', checkpointer });
  try {
    await until(() => run.events.filter((event) => event.type === 'shard-started').length >= 2, 'the starts');
    const starts = run.events.flatMap((event) =>
      event.type === 'shard-started' ? [[event.shardId, event.start.iteratorType]] : [],
    );
    expect(starts.sort()).toEqual([
      ['shardId-000000000001', 'TRIM_HORIZON'],
      ['shardId-000000000002', 'TRIM_HORIZON'],
    ]);
    await until(() => run.failed() !== undefined || run.seen.length >= 2, 'the children records');
    expect(run.failed()).toBeUndefined();
    expect(run.seen.sort()).toEqual(['high', 'low']);
  } finally {
    await run.stop();
  }
});

test('LATEST: the children of a trimmed parent the group stored nothing for start at LATEST', async () => {
  const { streamName } = await splitStream();
  const run = consume(streamName, new Set([PARENT]), { iteratorType: 'LATEST' });
  try {
    await until(() => run.events.filter((event) => event.type === 'shard-started').length >= 2, 'the starts');
    const starts = run.events.flatMap((event) =>
      event.type === 'shard-started' ? [[event.shardId, event.start.iteratorType]] : [],
    );
    expect(starts.sort()).toEqual([
      ['shardId-000000000001', 'LATEST'],
      ['shardId-000000000002', 'LATEST'],
    ]);
    expect(run.seen).toEqual([]);
  } finally {
    await run.stop();
  }
});

test('AT_TIMESTAMP: the children of a parent read from that time and trimmed meanwhile start at that time too', async () => {
  const { streamName, admin } = await splitStream();
  // 'low' and 'high' went to the children before the consumer's start time; the parent, listed
  // at the start, is trimmed right after (its GetShardIterator at that time is refused).
  await sleep(1_500);
  const timestamp = new Date();
  await sleep(1_500);
  await put(admin, streamName, 'low later', '0');
  await put(admin, streamName, 'high later', '5000');
  const trimmed = new Set<string>();
  const run = consume(streamName, trimmed, {
    iteratorType: 'AT_TIMESTAMP',
    timestamp,
    hooks: { afterListShards: () => trimmed.add(PARENT) },
  });
  try {
    await until(() => run.failed() !== undefined || run.seen.length >= 2, 'the children records');
    // A moment for any earlier record to show up.
    await sleep(500);
    expect(run.failed()).toBeUndefined();
    const starts = run.events.flatMap((event) =>
      event.type === 'shard-started' ? [[event.shardId, event.start.iteratorType]] : [],
    );
    expect(starts.sort()).toEqual([
      [PARENT, 'AT_TIMESTAMP'],
      ['shardId-000000000001', 'AT_TIMESTAMP'],
      ['shardId-000000000002', 'AT_TIMESTAMP'],
    ]);
    expect(run.seen.sort()).toEqual(['high later', 'low later']);
  } finally {
    await run.stop();
  }
});
