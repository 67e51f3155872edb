// Every lease-acquired ends with exactly one closing lease event (lease-released or lease-lost),
// also when the release fails: a consumer that stops while its Redis does not answer reports the
// failed release (error-retried releaseLease) and closes the lease with a lease-released carrying
// the error. Once, it reported only the error: a user counting held leases from the events
// counted those leases as held for ever.
import { Redis } from 'ioredis';
import { fromKinesis, RedisCheckpointer, type ConsumerEvent } from '../../src/index.js';
import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { waitFor } from '../support/streamRecords.js';

jest.setTimeout(120_000);

const SHARDS = 2;

let kinesis: TestKinesis;
let redis: RedisServerProcess;

beforeAll(async () => {
  kinesis = await startTestKinesis();
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.close();
  await kinesis?.close();
});

/** The closing events (lease-released, lease-lost) of each lease-acquired, per shard. */
function closingsPerLease(events: readonly ConsumerEvent[]): Map<string, number[]> {
  const leases = new Map<string, number[]>();
  for (const event of events) {
    if (event.type === 'lease-acquired') leases.set(event.shardId, [...(leases.get(event.shardId) ?? []), 0]);
    if (event.type !== 'lease-released' && event.type !== 'lease-lost') continue;
    const counts = leases.get(event.shardId) ?? [0];
    counts[counts.length - 1] = (counts[counts.length - 1] ?? 0) + 1;
    leases.set(event.shardId, counts);
  }
  return leases;
}

test('a consumer that stops while Redis does not answer closes every lease it acquired with one lease-released', async () => {
  const streamName = uniqueStreamName('release-fails');
  await kinesis.createStream(streamName, SHARDS);
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const checkpointer = new RedisCheckpointer({
    redis: connection,
    name: 'release-fails',
    // Long enough that no lease runs out in the test: the lease ends by the release alone.
    sessionTimeout: 60_000,
    heartbeatInterval: 1000,
    callTimeout: 1000,
  });
  const consumer = fromKinesis({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    checkpointer,
    workerId: 'worker-a',
    sleepTimeNoRecords: 50,
  });
  const events: ConsumerEvent[] = [];
  const eventsSubscription = consumer.events$.subscribe((event) => events.push(event));
  const subscription = consumer.subscribe();
  let paused = false;
  try {
    await waitFor(() => events.filter((event) => event.type === 'lease-acquired').length === SHARDS, {
      timeoutMs: 60_000,
      message: () => `events: ${events.map((event) => event.type).join(', ')}`,
    });
    redis.signal('SIGSTOP');
    paused = true;
    subscription.unsubscribe();
    await consumer.stopped();

    const failedReleases = events.filter(
      (event) => event.type === 'error-retried' && event.operation === 'releaseLease',
    );
    expect(failedReleases).toHaveLength(SHARDS);
    // One closing event per lease-acquired, for every shard.
    expect(Object.fromEntries(closingsPerLease(events))).toEqual({
      'shardId-000000000000': [1],
      'shardId-000000000001': [1],
    });
    for (const released of events.filter((event) => event.type === 'lease-released'))
      expect(released).toMatchObject({ error: expect.objectContaining({ retriable: true }) });
  } finally {
    subscription.unsubscribe();
    eventsSubscription.unsubscribe();
    if (paused) redis.signal('SIGCONT');
    await consumer.stopped();
    await checkpointer.close();
    connection.disconnect();
  }
});
