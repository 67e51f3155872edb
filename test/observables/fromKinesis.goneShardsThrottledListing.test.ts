import { PutRecordCommand, UpdateShardCountCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { tap, type Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { RetryLimitExceededError } from '../../src/kinesis/errors/RetryLimitExceededError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { untilActive } from '../local/untilActive.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { trimmingClient } from '../support/trimmingClient.js';
import { until } from '../support/streamRecords.js';

// A shard's read refused as not found while ListShards is throttled (LimitExceededException):
// the listing cannot tell whether the shard was trimmed, and the stream is still there, so the
// reading neither ends the shard nor fails as a missing stream. The rate windows of the embedded
// Kinesis run on a clock the test holds still (ListShards allowed once a second: the first
// listing takes the second's only call) and moves on when it wants ListShards answered again.

jest.setTimeout(60_000);

let kinesis: TestKinesis;
let admin: KinesisClient;
/** The clock of the server's rate windows: still while `held`, else real time plus `ahead`. */
let held: number | undefined;
let ahead = 0;
beforeAll(async () => {
  kinesis = await startTestKinesis({
    embedded: true,
    clock: () => held ?? Date.now() + ahead,
    limits: {
      controlPlaneCallsPerSecond: { ListShards: 1, DescribeStreamSummary: false },
      getRecordsCallsPerSecond: 1000,
      getShardIteratorCallsPerSecond: 1000,
    },
  });
  admin = kinesis.createClient();
});
afterAll(async () => {
  admin.destroy();
  await kinesis.close();
});

/** Two shards scaled to four (the originals are closed parents), four records written. */
async function scaledStream(): Promise<string> {
  const streamName = uniqueStreamName('gone-throttled');
  await kinesis.createStream(streamName, 2);
  await admin.send(
    new UpdateShardCountCommand({
      StreamName: streamName,
      TargetShardCount: 4,
      ScalingType: 'UNIFORM_SCALING',
    }),
  );
  await untilActive(admin, streamName);
  for (let i = 0; i < 4; i += 1)
    await admin.send(
      new PutRecordCommand({ StreamName: streamName, Data: Buffer.from(`r${i}`), PartitionKey: `k${i}` }),
    );
  return streamName;
}

const PARENT = 'shardId-000000000000';

/** Reads `streamName`; PARENT is trimmed (and the clock held) right after the first listing. */
function consume(streamName: string, onEvent: (event: ConsumerEvent) => void = () => undefined) {
  const trimmed = new Set<string>();
  let listings = 0;
  const client = kinesis.createClient();
  const consumer = fromKinesis({
    streamName,
    client: trimmingClient(client, trimmed, {
      afterListShards: () => {
        if ((listings += 1) > 1) return;
        trimmed.add(PARENT);
        held = Date.now() + ahead;
      },
    }),
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
  const eventSubscription = consumer.events$.subscribe((event) => {
    events.push(event);
    onEvent(event);
  });
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
      client.destroy();
    },
  };
}

afterEach(() => {
  // Let the windows see every call of the test as more than a second old.
  held = undefined;
  ahead += 2000;
});

test('a listing throttled for good fails the consumer with the throttling, not as a missing stream', async () => {
  const streamName = await scaledStream();
  const run = consume(streamName);
  try {
    await until(() => run.failed() !== undefined, 'the consumer to fail');
    const failure = run.failed() as RetryLimitExceededError;
    expect(failure).toBeInstanceOf(RetryLimitExceededError);
    expect(failure.retriable).toBe(false);
    expect(failure.cause).toBeInstanceOf(ThrottledError);
    expect(failure.context).toMatchObject({ streamName, shardId: PARENT });
    expect(failure.message).toContain(`${PARENT} of stream ${streamName}`);
    expect(failure.message).toContain('ListShards');
  } finally {
    await run.stop();
  }
});

test('a listing throttled past its retries: the shard is read again and ends once a listing answers', async () => {
  const streamName = await scaledStream();
  let refused = 0;
  const run = consume(streamName, (event) => {
    // ListShards refused past the listing's own retries (retryLimit 2: three refusals, two of
    // them retried): let the windows move on (a second later).
    if (event.type !== 'error-retried' || event.operation !== 'ListShards') return;
    if ((refused += 1) === 3) {
      ahead += 2000;
      held = undefined;
    }
  });
  try {
    await until(() => run.failed() !== undefined || run.seen.length >= 4, 'the records');
    expect(run.failed()).toBeUndefined();
    expect(run.seen.sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    const ended = run.events.filter((event) => event.type === 'shard-ended').map((event) => event.shardId);
    expect(ended).toContain(PARENT);
  } finally {
    await run.stop();
  }
});
