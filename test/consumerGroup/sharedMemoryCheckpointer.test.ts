// Two fromKinesis() consumers in one process sharing one MemoryCheckpointer (no LeaseCoordinator:
// no balancing, each takes the shards whose lease is free). When the one reading every shard
// unsubscribes (last checkpoints written, leases released), the other takes the shards within
// one lease renewal period, not at its next shard listing (shardRefreshInterval, 60 s by
// default), and reads on from the released checkpoints: nothing lost, nothing read twice.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { numbers, putRecords, until } from '../support/streamRecords.js';

/** Leases renewed every second: a released one is taken within about that. */
const LEASE_MS = 3000;

let kinesis: TestKinesis;
let client: KinesisClient;
const subscriptions: Subscription[] = [];
const consumers: KinesisConsumerObservable[] = [];

beforeAll(async () => {
  kinesis = await startTestKinesis();
  client = kinesis.createClient();
});

afterAll(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stopped()));
  client.destroy();
  await kinesis.close();
});

interface Member {
  readonly consumer: KinesisConsumerObservable;
  readonly subscription: Subscription;
  readonly events: { readonly at: number; readonly event: ConsumerEvent }[];
  readonly data: string[];
}

function join(streamName: string, workerId: string, checkpointer: MemoryCheckpointer): Member {
  const consumer = fromKinesis({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    checkpointer,
    workerId,
    sleepTimeNoRecords: 100,
  });
  consumers.push(consumer);
  const events: Member['events'] = [];
  const data: string[] = [];
  subscriptions.push(consumer.events$.subscribe((event) => events.push({ at: Date.now(), event })));
  const subscription = consumer
    .pipe(checkpoint({ batchSize: 1, intervalMs: 50 }))
    .subscribe((record) => data.push(Buffer.from(record.data).toString()));
  subscriptions.push(subscription);
  return { consumer, subscription, events, data };
}

it('a consumer that stops releases its shards to the other at once: read on from its checkpoints, nothing twice', async () => {
  const streamName = uniqueStreamName('memory-leave');
  await kinesis.createStream(streamName, 2);
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: LEASE_MS });
  const first = join(streamName, 'first', checkpointer);
  const acquired = (member: Member) =>
    member.events.filter(({ event }) => event.type === 'lease-acquired').map(({ event }) => event);
  await until(() => acquired(first).length === 2, 'the first consumer to hold both shards');
  const second = join(streamName, 'second', checkpointer);
  await until(
    () => second.events.filter(({ event }) => event.type === 'lease-unavailable').length >= 2,
    'the second consumer to be refused both shards',
  );

  await putRecords(client, streamName, numbers(40));
  await until(() => first.data.length === 40, 'the first consumer to read the first 40 records');
  first.subscription.unsubscribe();
  await first.consumer.stopped();
  const stoppedAt = Date.now();
  expect(first.events.filter(({ event }) => event.type === 'lease-released')).toHaveLength(2);

  await putRecords(client, streamName, numbers(40, 40));
  // Within a few renewal periods on a loaded machine; at its next shard listing it took 60 s.
  await until(() => acquired(second).length === 2, 'the second consumer to take both shards', 15_000);
  const takenAt = Math.max(
    ...second.events.filter(({ event }) => event.type === 'lease-acquired').map(({ at }) => at),
  );
  expect(takenAt - stoppedAt).toBeLessThan(15_000);
  await until(() => second.data.length >= 40, 'the second consumer to read the next 40 records');
  // A moment for a record read twice to show.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect([...second.data].sort((a, b) => Number(a) - Number(b))).toEqual(numbers(40, 40));
  expect(first.data.sort((a, b) => Number(a) - Number(b))).toEqual(numbers(40));
}, 60_000);
