import { PutRecordCommand, UpdateShardCountCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { tap, type Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { StreamRecreatedError } from '../../src/consumer/errors/StreamRecreatedError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { untilActive } from '../local/untilActive.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { trimmingClient } from '../support/trimmingClient.js';
import { until } from '../support/streamRecords.js';

// A stream deleted and created again under the same name while a consumer reads it: the new
// stream's shard ids start over, so a closed shard of the old stream missing from the new
// listing is no trimmed shard. The consumer must not read it as ended (SHARD_END); it fails
// with StreamRecreatedError, telling both creation times.

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

test('a closed shard missing once the stream was created again fails the consumer, no SHARD_END', async () => {
  const streamName = uniqueStreamName('recreated');
  await kinesis.createStream(streamName, 2);
  await admin.send(
    new UpdateShardCountCommand({
      StreamName: streamName,
      TargetShardCount: 4,
      ScalingType: 'UNIFORM_SCALING',
    }),
  );
  await untilActive(admin, streamName);
  // Both parents are listed but their reads are refused as not found (a listing that lags):
  // they are read again after about 4 s, while the stream is deleted and created again (a read
  // of the stream while it is gone would fail the consumer with StreamNotFoundError, as it must).
  const parents = ['shardId-000000000000', 'shardId-000000000001'];
  const parent = 'shardId-000000000001';
  const refused = new Set(parents);
  const stillListed = new Set(parents);
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({
    streamName,
    client: trimmingClient(kinesis.createClient(), refused, { stillListed }),
    checkpointer,
    iteratorType: 'TRIM_HORIZON',
    shardRefreshInterval: 600_000,
    sleepTimeNoRecords: 20,
    retryLimit: 1000,
    expoBackoff: 4000,
    expoBackoffLimit: 4000,
    random: () => 0.99,
  });
  const events: ConsumerEvent[] = [];
  let failure: unknown;
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  const subscription: Subscription = consumer
    .pipe(checkpoint())
    .subscribe({ error: (error: unknown) => (failure = error) });
  try {
    const retried = () =>
      events.some(
        (event) =>
          event.type === 'error-retried' && event.shardId === parent && event.operation === 'ReadShard',
      );
    await until(retried, 'the parents read again');
    await kinesis.deleteStream(streamName);
    // Creation times have whole seconds: the new stream is created in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await kinesis.createStream(streamName, 1);
    stillListed.clear();
    const parentEnded = () =>
      events.some((event) => event.type === 'shard-ended' && event.shardId === parent);
    await until(() => failure !== undefined || parentEnded(), 'the consumer failed');
    expect(failure).toBeInstanceOf(StreamRecreatedError);
    const recreated = failure as StreamRecreatedError;
    expect(recreated.retriable).toBe(false);
    expect(recreated.streamName).toBe(streamName);
    expect(recreated.currentCreatedAt.getTime()).toBeGreaterThan(recreated.previousCreatedAt.getTime());
    expect(recreated.message).toContain('the checkpoints belong to the old stream');
    expect(parentEnded()).toBe(false);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    eventSubscription.unsubscribe();
  }
});

test('an open shard refused while the stream was created again is not read on from its old position', async () => {
  const streamName = uniqueStreamName('recreatedOpen');
  await kinesis.createStream(streamName, 1);
  const put = (data: string) =>
    admin.send(new PutRecordCommand({ StreamName: streamName, Data: Buffer.from(data), PartitionKey: 'k' }));
  await put('old-1');
  const shard = 'shardId-000000000000';
  const refused = new Set<string>();
  const stillListed = new Set([shard]);
  const consumer = fromKinesis({
    streamName,
    client: trimmingClient(kinesis.createClient(), refused, { stillListed }),
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
  const subscription: Subscription = consumer
    .pipe(
      tap((record) => seen.push(Buffer.from(record.data).toString())),
      checkpoint(),
    )
    .subscribe({ error: (error: unknown) => (failure = error) });
  try {
    await until(() => seen.includes('old-1'), 'the old stream read');
    // Its reads are refused as not found (still listed): read again after about 4 s.
    refused.add(shard);
    await until(
      () => events.some((event) => event.type === 'error-retried' && event.operation === 'ReadShard'),
      'the shard read again',
    );
    await kinesis.deleteStream(streamName);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await kinesis.createStream(streamName, 1);
    await put('new-1');
    refused.clear();
    await until(() => failure !== undefined || seen.includes('new-1'), 'the consumer failed');
    expect(failure).toBeInstanceOf(StreamRecreatedError);
    expect(seen).toEqual(['old-1']);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    eventSubscription.unsubscribe();
  }
});
