// Enhanced fan-out under failure, against the embedded local Kinesis with its limits and faults:
// dropped and silent subscriptions, ResourceInUseException, a slow subscriber, a lost lease.
// (The long timings - the 35 s silence, the 5-minute renewal - are shown in virtual time in
// test/consumer/ShardSubscription.test.ts; here the silence timeout is short, in real time.)
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { concatMap, lastValueFrom, map, take, timer, toArray, type Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import { SubscriptionInUseError } from '../../../src/consumer/errors/SubscriptionInUseError.js';
import { SubscriptionSilentError } from '../../../src/consumer/errors/SubscriptionSilentError.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { FastForwardScheduler } from '../../support/fastForwardScheduler.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from './fanOutSupport.js';

jest.setTimeout(120_000);

let redis: TestRedis;
const cleanUp: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});

afterEach(async () => {
  for (const step of cleanUp.splice(0).reverse()) await step();
});

afterAll(async () => {
  await redis.close();
});

async function kinesisWith(
  options: Parameters<typeof startFanOutKinesis>[0],
): Promise<{ kinesis: LocalKinesis; client: KinesisClient }> {
  const kinesis = await startFanOutKinesis(options);
  const client = kinesis.createClient();
  cleanUp.push(() => kinesis.close());
  cleanUp.push(() => client.destroy());
  return { kinesis, client };
}

function errorsOf(events: readonly ConsumerEvent[], kind: new (...args: never[]) => Error): number {
  return events.filter((event) => event.type === 'error-retried' && event.error instanceof kind).length;
}

test('dropped and silent subscriptions recover: every record once, in order per shard', async () => {
  const { kinesis, client } = await kinesisWith({
    limits: true,
    faults: { subscriptionDropRate: 0.15, silentSubscriptionRate: 0.15, seed: 7 },
    efo: { idleEventIntervalMs: 200 },
  });
  const streamName = uniqueStreamName('efo-faults');
  await kinesis.createStream(streamName, 2);
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'faults', {
      enhancedFanOut: { consumerName: 'faults', silenceTimeoutMs: 1500 },
      retryLimit: Number.POSITIVE_INFINITY,
      checkpointer: new MemoryCheckpointer(),
    }),
  );
  const events: ConsumerEvent[] = [];
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const subscriptions = [
    consumer.events$.subscribe((event) => events.push(event)),
    consumer
      .pipe(checkpoint({ batchSize: 20 }))
      .subscribe({ next: (r) => records.push(r), error: (e) => errors.push(e) }),
  ];
  cleanUp.push(async () => {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await consumer.stopped();
  });
  // Write until both faults struck at least once (and a batch after that).
  let written = 0;
  const deadline = Date.now() + 60_000;
  const struck = () =>
    kinesis.stats.injectedSubscriptionDrops > 0 && kinesis.stats.injectedSilentSubscriptions > 0;
  while (!struck() && Date.now() < deadline) {
    await putRecords(client, streamName, numbers(20, written));
    written += 20;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await putRecords(client, streamName, numbers(20, written));
  written += 20;
  expect(struck()).toBe(true);
  await waitFor(() => records.length >= written, {
    timeoutMs: 60_000,
    message: () => `read ${records.length} of ${written}`,
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(errors).toEqual([]);
  expect(records.map(text).sort()).toEqual(numbers(written).sort());
  for (const shardId of new Set(records.map((record) => record.shardId))) {
    const sequence = records
      .filter((record) => record.shardId === shardId)
      .map((record) => BigInt(record.sequenceNumber));
    expect(sequence).toEqual([...sequence].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  }
  // A silent subscription was abandoned (SubscriptionSilentError); a dropped one renewed.
  expect(errorsOf(events, SubscriptionSilentError)).toBeGreaterThanOrEqual(1);
  const renewed = events.filter(
    (event) =>
      event.type === 'subscription-renewed' ||
      (event.type === 'error-retried' && event.operation === 'SubscribeToShard'),
  );
  expect(renewed.length).toBeGreaterThanOrEqual(2);
});

test('subscriptions dropped within a second of their call are renewed without LimitExceededException: a second after the call was answered', async () => {
  // Kinesis counts a call when it arrives: one sent a second after the previous one was sent can
  // arrive within the second after the previous one arrived.
  const { kinesis, client } = await kinesisWith({ limits: true });
  const streamName = uniqueStreamName('efo-quick-drops');
  await kinesis.createStream(streamName, 2);
  const consumer = fromKinesis(fanOutOptions(kinesis, streamName, 'quick-drops'));
  const events: ConsumerEvent[] = [];
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const subscriptions = [
    consumer.events$.subscribe((event) => events.push(event)),
    consumer.subscribe({ next: (r) => records.push(r), error: (e) => errors.push(e) }),
  ];
  cleanUp.push(async () => {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await consumer.stopped();
  });
  let dropped = 0;
  let written = 0;
  for (let round = 0; round < 12; round += 1) {
    await waitFor(() => kinesis.subscriptions({ streamName }).length === 2, {
      timeoutMs: 30_000,
      message: () => `not both subscriptions open in round ${round}`,
    });
    await putRecords(client, streamName, numbers(10, written));
    written += 10;
    await new Promise((resolve) => setTimeout(resolve, 100));
    dropped += kinesis.dropSubscriptions({ streamName });
  }
  await waitFor(() => records.length >= written, {
    timeoutMs: 60_000,
    message: () => `read ${records.length} of ${written}`,
  });
  expect(dropped).toBeGreaterThanOrEqual(12);
  expect(errors).toEqual([]);
  expect(records.map(text).sort()).toEqual(numbers(written).sort());
  expect(events.filter((event) => event.type === 'throttled')).toEqual([]);
});

test('ResourceInUseException: a second reader of the same consumer waits at one call a second, never fails, and takes over', async () => {
  // No takeover by time (AWS's after 5 s): B is refused for as long as A's subscription is open,
  // however late its calls come on a loaded machine (late enough, one took the shard over).
  const { kinesis, client } = await kinesisWith({ limits: true, efo: { takeoverAfterMs: 600_000 } });
  const streamName = uniqueStreamName('efo-in-use');
  await kinesis.createStream(streamName, 1);
  await putRecords(client, streamName, numbers(20));
  // Two consumers that share no leases (separate checkpointers) as one stream consumer.
  const a = fromKinesis(
    fanOutOptions(kinesis, streamName, 'shared', { checkpointer: new MemoryCheckpointer() }),
  );
  const b = fromKinesis(
    fanOutOptions(kinesis, streamName, 'shared', { checkpointer: new MemoryCheckpointer(), retryLimit: 1 }),
  );
  const byA: string[] = [];
  const byB: string[] = [];
  const bEvents: { at: number; event: ConsumerEvent }[] = [];
  const errors: unknown[] = [];
  const subscriptions: Subscription[] = [
    b.events$.subscribe((event) => bEvents.push({ at: Date.now(), event })),
  ];
  subscriptions.push(
    a.pipe(checkpoint()).subscribe({ next: (r) => byA.push(text(r)), error: (e) => errors.push(e) }),
  );
  cleanUp.push(async () => {
    for (const s of subscriptions) s.unsubscribe();
    await Promise.all([a.stopped(), b.stopped()]);
  });
  await waitFor(() => byA.length === 20, { timeoutMs: 30_000, message: () => `A read ${byA.length} of 20` });
  const startedAt = Date.now();
  subscriptions.push(
    b.pipe(checkpoint()).subscribe({ next: (r) => byB.push(text(r)), error: (e) => errors.push(e) }),
  );
  await waitFor(
    () =>
      errorsOf(
        bEvents.map((e) => e.event),
        SubscriptionInUseError,
      ) >= 4,
    {
      timeoutMs: 30_000,
      message: () =>
        `B saw ${errorsOf(
          bEvents.map((e) => e.event),
          SubscriptionInUseError,
        )} ResourceInUse retries`,
    },
  );
  const inUse = bEvents.filter(
    ({ event }) => event.type === 'error-retried' && event.error instanceof SubscriptionInUseError,
  );
  // More than retryLimit (1), at most about one call a second.
  expect(inUse.length).toBeLessThanOrEqual((Date.now() - startedAt) / 1000 + 2);
  expect(byB).toEqual([]);
  expect(errors).toEqual([]);

  // A stops: its subscription closes, B subscribes and reads the shard (its own checkpointer: all of it).
  subscriptions[1]?.unsubscribe();
  await a.stopped();
  await waitFor(() => byB.length === 20, { timeoutMs: 30_000, message: () => `B read ${byB.length} of 20` });
  expect(byB).toEqual(numbers(20));
  expect(errors).toEqual([]);
});

test('a slow subscriber keeps memory within the budget and its leases renewed', async () => {
  const { kinesis, client } = await kinesisWith({});
  const streamName = uniqueStreamName('efo-slow');
  await kinesis.createStream(streamName, 2);
  await putRecords(client, streamName, numbers(2000));
  const checkpointer = new RedisCheckpointer({
    redis: redis.url,
    name: 'efo-slow',
    keyPrefix: uniqueKeyPrefix('efo-slow'),
    // A 6 s session (its Redis calls get 3 s): on a loaded machine a slow Redis answer is no lost lease.
    sessionTimeout: 6000,
    heartbeatInterval: 500,
  });
  cleanUp.push(() => checkpointer.close());
  const maxQueueSize = 40;
  const consumer = fromKinesis(fanOutOptions(kinesis, streamName, 'slow', { checkpointer, maxQueueSize }));
  const events: ConsumerEvent[] = [];
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  cleanUp.push(() => eventSubscription.unsubscribe());
  // 200 records at 90 ms each: about 18 s, three lease sessions with the consumer blocked.
  const processed = await lastValueFrom(
    consumer.pipe(
      concatMap((record) => timer(90).pipe(map(() => record))),
      checkpoint({ batchSize: 10 }),
      take(200),
      toArray(),
    ),
  );
  const stats = consumer.stats();
  await consumer.stopped();
  expect(processed).toHaveLength(200);
  expect(events.filter((event) => event.type === 'lease-lost')).toEqual([]);
  expect(stats.peakInFlight).toBeLessThanOrEqual(maxQueueSize);
  // Of 2,000 records only what was processed plus the budget was emitted.
  expect(stats.shards.reduce((sum, shard) => sum + shard.records, 0)).toBeLessThanOrEqual(200 + maxQueueSize);
  expect(new Set(processed.map(text)).size).toBe(200);
});

test('a steadily slow subscriber is named by one subscriber-behind event, not one per record it settles', async () => {
  const { kinesis, client } = await kinesisWith({});
  const streamName = uniqueStreamName('efo-behind');
  await kinesis.createStream(streamName, 1);
  await putRecords(client, streamName, numbers(200));
  const maxQueueSize = 20;
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'behind', { checkpointer: new MemoryCheckpointer(), maxQueueSize }),
  );
  const events: ConsumerEvent[] = [];
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  cleanUp.push(() => eventSubscription.unsubscribe());
  // 60 records at 100 ms each: the budget stays full, each settled record making room for one more.
  const processed = await lastValueFrom(
    consumer.pipe(
      concatMap((record) => timer(100).pipe(map(() => record))),
      checkpoint(),
      take(60),
      toArray(),
    ),
  );
  await consumer.stopped();
  expect(processed).toHaveLength(60);
  const behind = events.filter((event) => event.type === 'subscriber-behind');
  expect(behind.length).toBeGreaterThanOrEqual(1);
  expect(behind.length).toBeLessThanOrEqual(2);
});

test('a lost lease closes the shard subscription at once: the next owner subscribes without waiting for it', async () => {
  const { kinesis, client } = await kinesisWith({ limits: true });
  const streamName = uniqueStreamName('efo-lease');
  await kinesis.createStream(streamName, 1);
  const shared = new MemoryCheckpointer({ leaseDurationMs: 1500 });
  let renewalsFail = false;
  const forA = new SpyCheckpointer(shared, {
    beforeRenew: async () => {
      if (renewalsFail) throw new Error('checkpoint store unreachable (test)');
    },
  });
  const forB = new SpyCheckpointer(shared);
  const options = { shardRefreshInterval: 200 };
  const a = fromKinesis(
    fanOutOptions(kinesis, streamName, 'app', { ...options, checkpointer: forA, workerId: 'a' }),
  );
  const b = fromKinesis(
    fanOutOptions(kinesis, streamName, 'app', { ...options, checkpointer: forB, workerId: 'b' }),
  );
  const aEvents: ConsumerEvent[] = [];
  const bEvents: ConsumerEvent[] = [];
  const byA: string[] = [];
  const byB: string[] = [];
  const errors: unknown[] = [];
  const subscriptions: Subscription[] = [
    a.events$.subscribe((event) => aEvents.push(event)),
    b.events$.subscribe((event) => bEvents.push(event)),
    a
      .pipe(checkpoint({ batchSize: 1 }))
      .subscribe({ next: (r) => byA.push(text(r)), error: (e) => errors.push(e) }),
  ];
  cleanUp.push(async () => {
    for (const s of subscriptions) s.unsubscribe();
    await Promise.all([a.stopped(), b.stopped()]);
  });
  await putRecords(client, streamName, numbers(10));
  await waitFor(() => byA.length === 10, { timeoutMs: 30_000, message: () => `A read ${byA.length} of 10` });

  expect(kinesis.subscriptions({ streamName, consumerName: 'app' })).toHaveLength(1);
  renewalsFail = true;
  await waitFor(() => aEvents.some((event) => event.type === 'lease-lost'), {
    timeoutMs: 30_000,
    message: () => `A never lost its lease (${aEvents.map((e) => e.type).join(', ')})`,
  });
  // A closed its subscription when it lost the lease (the server sees the stream reset).
  await waitFor(() => kinesis.subscriptions({ streamName, consumerName: 'app' }).length === 0, {
    // Far short of the subscription's own end; the server sees the reset late on a loaded machine.
    timeoutMs: 10_000,
    message: () =>
      `${kinesis.subscriptions({ streamName }).length} subscription(s) still open after the lease was lost`,
  });
  subscriptions.push(
    b
      .pipe(checkpoint({ batchSize: 1 }))
      .subscribe({ next: (r) => byB.push(text(r)), error: (e) => errors.push(e) }),
  );
  await waitFor(() => bEvents.some((event) => event.type === 'lease-acquired'), {
    timeoutMs: 30_000,
    message: () => `B never acquired the lease (${bEvents.map((e) => e.type).join(', ')})`,
  });
  await putRecords(client, streamName, numbers(10, 10));
  await waitFor(() => byB.includes('19'), { timeoutMs: 30_000, message: () => `B read ${byB.join(',')}` });
  expect(errorsOf(bEvents, SubscriptionInUseError)).toBe(0);
  expect(byA.filter((value) => Number(value) >= 10)).toEqual([]);
  expect(errors).toEqual([]);
});

test('a RedisCheckpointer group of two workers reading with fan-out shares the shards and reads everything', async () => {
  const { kinesis, client } = await kinesisWith({ limits: true });
  const streamName = uniqueStreamName('efo-group');
  await kinesis.createStream(streamName, 4);
  const keyPrefix = uniqueKeyPrefix('efo-group');
  const seen = new Map<string, string[]>();
  const subscriptions: Subscription[] = [];
  const consumers = ['w1', 'w2'].map((workerId) => {
    const checkpointer = new RedisCheckpointer({
      redis: redis.url,
      name: 'efo-group',
      keyPrefix,
      // A 6 s session (its Redis calls get 3 s): a lease lost to a loaded machine's slow Redis answer
      // would have its records read twice.
      sessionTimeout: 6000,
      heartbeatInterval: 500,
    });
    const consumer = fromKinesis(fanOutOptions(kinesis, streamName, 'group-app', { checkpointer, workerId }));
    seen.set(workerId, []);
    subscriptions.push(
      consumer
        .pipe(checkpoint({ batchSize: 5 }))
        .subscribe((record) => seen.get(workerId)?.push(text(record))),
    );
    return { consumer, checkpointer };
  });
  cleanUp.push(async () => {
    for (const s of subscriptions) s.unsubscribe();
    for (const { consumer, checkpointer } of consumers) {
      await consumer.stopped();
      await checkpointer.close();
    }
  });
  await waitFor(
    async () => {
      const leases = await consumers[0]!.checkpointer.leaseSnapshot(streamName);
      const owners = leases.leases.map((lease) => lease.owner);
      return owners.filter((o) => o === 'w1').length === 2 && owners.filter((o) => o === 'w2').length === 2;
    },
    { timeoutMs: 30_000, message: () => 'the workers did not settle at 2 + 2 shards' },
  );
  await putRecords(client, streamName, numbers(400));
  const all = () => [...(seen.get('w1') ?? []), ...(seen.get('w2') ?? [])];
  await waitFor(() => new Set(all()).size === 400, {
    timeoutMs: 60_000,
    message: () => `read ${new Set(all()).size} of 400`,
  });
  expect(all().sort()).toEqual(numbers(400).sort());
  expect(seen.get('w1')?.length).toBeGreaterThan(0);
  expect(seen.get('w2')?.length).toBeGreaterThan(0);
});

test('a half-open subscription is abandoned after the default 35 s of silence (clock moved ahead) and renewed, nothing lost or repeated', async () => {
  const { kinesis, client } = await kinesisWith({ efo: { idleEventIntervalMs: 200 } });
  const streamName = uniqueStreamName('efo-half-open');
  await kinesis.createStream(streamName, 1);
  const scheduler = new FastForwardScheduler();
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'half-open', { checkpointer: new MemoryCheckpointer(), scheduler }),
  );
  const events: ConsumerEvent[] = [];
  const records: string[] = [];
  const errors: unknown[] = [];
  const subscriptions = [
    consumer.events$.subscribe((event) => events.push(event)),
    consumer
      .pipe(checkpoint())
      .subscribe({ next: (r) => records.push(text(r)), error: (e) => errors.push(e) }),
  ];
  cleanUp.push(async () => {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await consumer.stopped();
  });
  await putRecords(client, streamName, numbers(10));
  await waitFor(() => records.length === 10, {
    timeoutMs: 30_000,
    message: () => `read ${records.length} of 10`,
  });

  expect(kinesis.silenceSubscriptions()).toBe(1);
  await putRecords(client, streamName, numbers(10, 10));
  await new Promise((resolve) => setTimeout(resolve, 300));
  // About 29 s (plus the real time the test takes, a few seconds) of the consumer's time since the last event (real time passes too): still waiting.
  await scheduler.advance(28_000);
  expect(records).toHaveLength(10);
  expect(errorsOf(events, SubscriptionSilentError)).toBe(0);
  // Past 35 s without an event: abandoned, renewed after the last record, the rest delivered.
  await scheduler.advance(8000);
  await waitFor(() => records.length === 20, {
    timeoutMs: 30_000,
    message: () => `read ${records.length} of 20`,
  });
  expect(errorsOf(events, SubscriptionSilentError)).toBe(1);
  expect(records).toEqual(numbers(20));
  expect(events.filter((event) => event.type === 'lease-lost')).toEqual([]);
  expect(errors).toEqual([]);
});

test('sustained backpressure closes the subscription and reopens it after the last emitted record: nothing repeated', async () => {
  const { kinesis, client } = await kinesisWith({ efo: { idleEventIntervalMs: 200 } });
  const streamName = uniqueStreamName('efo-paused');
  await kinesis.createStream(streamName, 1);
  await putRecords(client, streamName, numbers(20));
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'paused', {
      enhancedFanOut: { consumerName: 'paused', silenceTimeoutMs: 500 },
      checkpointer: new MemoryCheckpointer(),
      maxQueueSize: 5,
    }),
  );
  const events: ConsumerEvent[] = [];
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  cleanUp.push(() => eventSubscription.unsubscribe());
  // 700 ms per record: the budget of 5 stays full longer than the 500 ms silence timeout.
  const processed = await lastValueFrom(
    consumer.pipe(
      concatMap((record) => timer(700).pipe(map(() => record))),
      checkpoint(),
      map(text),
      take(12),
      toArray(),
    ),
  );
  const stats = consumer.stats();
  await consumer.stopped();
  expect(processed).toEqual(numbers(12));
  expect(stats.peakInFlight).toBeLessThanOrEqual(5);
  const reopened = events.filter(
    (event) => event.type === 'subscription-renewed' && event.reason === 'paused',
  );
  expect(reopened.length).toBeGreaterThan(0);
});

test('stopping while the stream consumer is still CREATING ends the wait at once; nothing is subscribed', async () => {
  const { kinesis } = await kinesisWith({ efo: { consumerStatusDelayMs: 20_000 } });
  const streamName = uniqueStreamName('efo-stop-early');
  await kinesis.createStream(streamName, 1);
  const consumer = fromKinesis(fanOutOptions(kinesis, streamName, 'never-active'));
  const errors: unknown[] = [];
  const subscription = consumer.subscribe({ error: (e) => errors.push(e) });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const stoppingAt = Date.now();
  subscription.unsubscribe();
  await consumer.stopped();
  expect(Date.now() - stoppingAt).toBeLessThan(5000);
  expect(errors).toEqual([]);
  expect(kinesis.stats.fanOutSubscriptions).toBe(0);
});

test('a worker joining a fan-out group gets shards handed over: no record lost or read twice', async () => {
  const { kinesis, client } = await kinesisWith({ limits: true });
  const streamName = uniqueStreamName('efo-handoff');
  await kinesis.createStream(streamName, 4);
  const keyPrefix = uniqueKeyPrefix('efo-handoff');
  const seen: { worker: string; data: string }[] = [];
  const events: ConsumerEvent[] = [];
  const subscriptions: Subscription[] = [];
  const members: { consumer: ReturnType<typeof fromKinesis>; checkpointer: RedisCheckpointer }[] = [];
  const join = (workerId: string) => {
    const checkpointer = new RedisCheckpointer({
      redis: redis.url,
      name: 'efo-handoff',
      keyPrefix,
      sessionTimeout: 3000,
      heartbeatInterval: 250,
    });
    const consumer = fromKinesis(
      fanOutOptions(kinesis, streamName, 'handoff-app', { checkpointer, workerId }),
    );
    subscriptions.push(consumer.events$.subscribe((event) => events.push(event)));
    subscriptions.push(
      consumer
        .pipe(checkpoint({ batchSize: 1 }))
        .subscribe((record) => seen.push({ worker: workerId, data: text(record) })),
    );
    members.push({ consumer, checkpointer });
  };
  cleanUp.push(async () => {
    for (const s of subscriptions) s.unsubscribe();
    for (const { consumer, checkpointer } of members) {
      await consumer.stopped();
      await checkpointer.close();
    }
  });
  join('w1');
  let written = 0;
  const write = async (n: number) => {
    await putRecords(client, streamName, numbers(n, written));
    written += n;
  };
  await write(100);
  await waitFor(() => seen.length === 100, {
    timeoutMs: 30_000,
    message: () => `w1 read ${seen.length} of 100`,
  });
  join('w2');
  // Keep writing while the shards move.
  const deadline = Date.now() + 60_000;
  while (!events.some((event) => event.type === 'handoff-completed') && Date.now() < deadline) {
    await write(10);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await write(50);
  await waitFor(() => new Set(seen.map((s) => s.data)).size === written, {
    timeoutMs: 60_000,
    message: () => `read ${new Set(seen.map((s) => s.data)).size} of ${written}`,
  });
  expect(events.some((event) => event.type === 'handoff-completed')).toBe(true);
  expect(seen.some((s) => s.worker === 'w2')).toBe(true);
  // A graceful handoff has no overlap: every record once.
  expect(seen.map((s) => s.data).sort()).toEqual(numbers(written).sort());
});
