import { DescribeStreamSummaryCommand, PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import { tap, type Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { StreamRecreatedError } from '../../src/consumer/errors/StreamRecreatedError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { trimmingClient } from '../support/trimmingClient.js';
import { FrozenDescribeBudget } from '../support/frozenDescribeBudget.js';
import { until } from '../support/streamRecords.js';

// DescribeStreamSummary has a budget of 20 calls a second per account: a group of workers
// starting together (or all refused at once after the stream was created again) gets
// LimitExceededException for most of them. A worker whose first question was throttled must
// still learn which stream it reads, or it cannot tell a stream created again.

jest.setTimeout(60_000);

/** The local server's rate windows, frozen while a used-up budget must stay so. */
const budget = new FrozenDescribeBudget();

let kinesis: TestKinesis;
let admin: KinesisClient;
beforeAll(async () => {
  kinesis = await startTestKinesis({
    limits: {
      getRecordsCallsPerSecond: 1000,
      getShardIteratorCallsPerSecond: 1000,
      controlPlaneCallsPerSecond: { DescribeStreamSummary: 1 },
    },
    clock: budget.clock,
  });
  admin = kinesis.createClient();
});
afterAll(async () => {
  admin.destroy();
  await kinesis.close();
});

/** Reads one shard; its reads are refused as not found while the stream is created again. */
async function readThroughRecreation(
  server: TestKinesis,
  writer: KinesisClient,
  streamName: string,
  wrap: (client: KinesisClient) => KinesisClient,
  beforeStart: () => Promise<() => Promise<void>>,
): Promise<{ failure: unknown; seen: string[] }> {
  await server.createStream(streamName, 1);
  const put = (data: string) =>
    writer.send(new PutRecordCommand({ StreamName: streamName, Data: Buffer.from(data), PartitionKey: 'k' }));
  await put('old-1');
  const shard = 'shardId-000000000000';
  const refused = new Set<string>();
  const stillListed = new Set([shard]);
  const consumer = fromKinesis({
    streamName,
    client: wrap(trimmingClient(server.createClient(), refused, { stillListed })),
    checkpointer: new MemoryCheckpointer(),
    iteratorType: 'TRIM_HORIZON',
    shardRefreshInterval: 600_000,
    sleepTimeNoRecords: 20,
    retryLimit: 1000,
    expoBackoff: 4000,
    expoBackoffLimit: 4000,
    random: () => 0.99,
  });
  const seen: string[] = [];
  const events: ConsumerEvent[] = [];
  let failure: unknown;
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  const started = await beforeStart();
  const subscription: Subscription = consumer
    .pipe(
      tap((record) => seen.push(Buffer.from(record.data).toString())),
      checkpoint(),
    )
    .subscribe({ error: (error: unknown) => (failure = error) });
  try {
    await started();
    await until(() => seen.includes('old-1'), 'the old stream read');
    // Its reads are refused as not found (still listed): read again after about 4 s.
    refused.add(shard);
    await until(
      () => events.some((event) => event.type === 'error-retried' && event.operation === 'ReadShard'),
      'the shard read again',
    );
    await server.deleteStream(streamName);
    // Creation times have whole seconds: the new stream is created in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await server.createStream(streamName, 1);
    await put('new-1');
    refused.clear();
    await until(() => failure !== undefined || seen.includes('new-1'), 'the consumer failed');
    return { failure, seen };
  } finally {
    budget.thaw();
    subscription.unsubscribe();
    await consumer.stopped();
    eventSubscription.unsubscribe();
  }
}

test('a consumer whose first DescribeStreamSummary was throttled still fails on a stream created again', async () => {
  const budgetStream = uniqueStreamName('budget');
  await kinesis.createStream(budgetStream, 1);
  const { failure, seen } = await readThroughRecreation(
    kinesis,
    admin,
    uniqueStreamName('recreatedThrottled'),
    (client) => client,
    async () => {
      await budget.useUp(admin, budgetStream);
      const throttledBefore = kinesis.stats!.throttledControlPlaneCalls;
      // The consumer's question is refused for the budget; then the budget comes back.
      return async () => {
        await until(
          () => kinesis.stats!.throttledControlPlaneCalls > throttledBefore,
          'the consumer throttled',
        );
        budget.thaw();
      };
    },
  );
  expect(failure).toBeInstanceOf(StreamRecreatedError);
  expect(seen).toEqual(['old-1']);
});

test('a consumer whose first DescribeStreamSummary lost its connection asks again at the next listing', async () => {
  const plain = await startTestKinesis({ embedded: true });
  const plainAdmin = plain.createClient();
  let resets = 0;
  /** The first DescribeStreamSummary of the consumer fails as a reset connection does. */
  const resetOnce = (client: KinesisClient): KinesisClient => {
    const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
    const sending = async (command: unknown, options?: unknown): Promise<unknown> => {
      if (command instanceof DescribeStreamSummaryCommand && resets === 0) {
        resets += 1;
        await sleep(1);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return send(command, options);
    };
    return new Proxy(client, {
      get: (target, property, receiver) =>
        property === 'send' ? sending : (Reflect.get(target, property, receiver) as unknown),
    });
  };
  try {
    const { failure, seen } = await readThroughRecreation(
      plain,
      plainAdmin,
      uniqueStreamName('recreatedReset'),
      resetOnce,
      () => Promise.resolve(() => Promise.resolve()),
    );
    expect(resets).toBe(1);
    expect(failure).toBeInstanceOf(StreamRecreatedError);
    expect(seen).toEqual(['old-1']);
  } finally {
    plainAdmin.destroy();
    await plain.close();
  }
});

test('a stop while the throttled question waits to be asked again ends at once', async () => {
  const streamName = uniqueStreamName('throttledStop');
  await kinesis.createStream(streamName, 1);
  const consumer = fromKinesis({
    streamName,
    client: kinesis.createClient(),
    checkpointer: new MemoryCheckpointer(),
    expoBackoff: 30_000,
    expoBackoffLimit: 30_000,
    random: () => 0.99,
  });
  await budget.useUp(admin, streamName);
  const throttledBefore = kinesis.stats!.throttledControlPlaneCalls;
  const subscription = consumer.subscribe();
  try {
    await until(() => kinesis.stats!.throttledControlPlaneCalls > throttledBefore, 'the consumer throttled');
    const stopping = Date.now();
    subscription.unsubscribe();
    await consumer.stopped();
    // Not the 30 s back-off.
    expect(Date.now() - stopping).toBeLessThan(10_000);
  } finally {
    budget.thaw();
    subscription.unsubscribe();
  }
});
