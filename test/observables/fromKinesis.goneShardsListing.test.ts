import { PutRecordCommand, UpdateShardCountCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { tap, type Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { RetryLimitExceededError } from '../../src/kinesis/errors/RetryLimitExceededError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { untilActive } from '../local/untilActive.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { trimmingClient, type TrimmingHooks } from '../support/trimmingClient.js';
import { until } from '../support/streamRecords.js';

// Many shards trimmed at once (every parent of a scaling reaches the retention together): the
// readings refused as not found share their ListShards calls (ListShards has a per-stream
// rate). And a shard refused as not found that ListShards still lists is read again a few
// times before the consumer fails.

jest.setTimeout(60_000);

let kinesis: TestKinesis;
let admin: KinesisClient;
beforeAll(async () => {
  kinesis = await startTestKinesis();
  admin = kinesis.createClient();
});
afterAll(async () => {
  admin.destroy();
  await kinesis.close();
});

const PARENTS = 8;
/** PARENTS shards scaled to twice as many: every original shard is a closed parent. */
async function scaledStream(): Promise<{ streamName: string; parents: string[] }> {
  const streamName = uniqueStreamName('gone-shards');
  await kinesis.createStream(streamName, PARENTS);
  await admin.send(
    new UpdateShardCountCommand({
      StreamName: streamName,
      TargetShardCount: 2 * PARENTS,
      ScalingType: 'UNIFORM_SCALING',
    }),
  );
  await untilActive(admin, streamName);
  for (let i = 0; i < 4; i += 1)
    await admin.send(
      new PutRecordCommand({ StreamName: streamName, Data: Buffer.from(`r${i}`), PartitionKey: `k${i}` }),
    );
  const parents = Array.from({ length: PARENTS }, (_, i) => `shardId-${String(i).padStart(12, '0')}`);
  return { streamName, parents };
}

function consume(streamName: string, trimmed: Set<string>, hooks: TrimmingHooks) {
  const consumer = fromKinesis({
    streamName,
    client: trimmingClient(kinesis.createClient(), trimmed, hooks),
    checkpointer: new MemoryCheckpointer(),
    iteratorType: 'TRIM_HORIZON',
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
      tap((record) => seen.push(Buffer.from(record.data).toString())),
      checkpoint(),
    )
    .subscribe({ error: (error: unknown) => (failure = error) });
  return {
    seen,
    events,
    failed: () => failure,
    stop: async () => {
      subscription.unsubscribe();
      await consumer.stopped();
      eventSubscription.unsubscribe();
    },
  };
}

test('every parent trimmed at once: the refused readings share their ListShards calls', async () => {
  const { streamName, parents } = await scaledStream();
  const trimmed = new Set<string>();
  let listings = 0;
  // The first listing shows the parents; they are all trimmed right after it.
  const run = consume(streamName, trimmed, {
    afterListShards: () => {
      listings += 1;
      for (const parent of parents) trimmed.add(parent);
    },
  });
  try {
    await until(() => run.failed() !== undefined || run.seen.length >= 4, 'the children records');
    expect(run.failed()).toBeUndefined();
    expect(run.seen.sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    const ended = run.events.filter((event) => event.type === 'shard-ended').map((event) => event.shardId);
    expect(ended.sort()).toEqual(parents);
    // The first listing and one the refused readings shared (one each: nine or more).
    expect(listings).toBeLessThanOrEqual(3);
  } finally {
    await run.stop();
  }
});

test('a shard refused as not found that ListShards still lists is read again, then ends once unlisted', async () => {
  const { streamName, parents } = await scaledStream();
  const [parent] = parents as [string];
  const trimmed = new Set([parent]);
  const stillListed = new Set([parent]);
  let listings = 0;
  // Listed by the first listing and the next one (made when its read is refused), then not.
  const run = consume(streamName, trimmed, {
    stillListed,
    afterListShards: () => {
      if ((listings += 1) >= 2) stillListed.clear();
    },
  });
  try {
    await until(() => run.failed() !== undefined || run.seen.length >= 4, 'the children records');
    expect(run.failed()).toBeUndefined();
    expect(run.seen.sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    const retried = run.events.filter(
      (event) =>
        event.type === 'error-retried' && event.shardId === parent && event.operation === 'ReadShard',
    );
    expect(retried).toHaveLength(1);
  } finally {
    await run.stop();
  }
});

test('open shards refused as not found and missing from a listing that lags are read again, never ended', async () => {
  const { streamName, parents } = await scaledStream();
  const children = Array.from(
    { length: PARENTS },
    (_, i) => `shardId-${String(PARENTS + i).padStart(12, '0')}`,
  );
  const trimmed = new Set<string>();
  let listings = 0;
  // The first listing shows the children open; then their reads are refused and the next listing
  // leaves them out, as a listing that lags would; after it they are back.
  const run = consume(streamName, trimmed, {
    afterListShards: () => {
      listings += 1;
      if (listings === 1) for (const child of children) trimmed.add(child);
      else trimmed.clear();
    },
  });
  try {
    await until(() => run.failed() !== undefined || run.seen.length >= 4, 'the children records');
    expect(run.failed()).toBeUndefined();
    expect(run.seen.sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    const ended = run.events.filter((event) => event.type === 'shard-ended').map((event) => event.shardId);
    expect(ended.sort()).toEqual(parents);
  } finally {
    await run.stop();
  }
});

test('a shard ListShards keeps listing whose reads are refused as not found fails the consumer after retryLimit', async () => {
  const { streamName, parents } = await scaledStream();
  const [parent] = parents as [string];
  const run = consume(streamName, new Set([parent]), { stillListed: new Set([parent]) });
  try {
    await until(() => run.failed() !== undefined, 'the consumer to fail');
    const failure = run.failed() as RetryLimitExceededError;
    expect(failure).toBeInstanceOf(RetryLimitExceededError);
    expect(failure.attempts).toBe(3);
    expect(failure.cause).toBeInstanceOf(StreamNotFoundError);
    expect(failure.message).toContain(`${parent} of stream ${streamName} is still listed by ListShards`);
  } finally {
    await run.stop();
  }
});
