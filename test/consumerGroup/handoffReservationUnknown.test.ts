// A custom LeaseCoordinator written before releaseLease said whom it reserved the lease for: its
// releaseLease resolves to nothing. It still type-checks and works as a group checkpointer, and a
// handoff through it reports `reserved: undefined` (the consumer does not know), not true.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseCoordinator, ReleaseLeaseOptions } from '../../src/checkpointers/LeaseCoordinator.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { numbers, ProcessedLedger, putRecords, waitFor } from '../support/streamRecords.js';
import { eventTypes, InProcessGroup } from './inProcessGroup.js';

jest.setTimeout(120_000);

// Long enough that the owner sees the request while the requester is live on a loaded machine.
const SESSION_MS = 4000;
const HEARTBEAT_MS = 250;

let kinesis: TestKinesis;
let redis: TestRedis;
let client: KinesisClient;
let group: InProcessGroup | undefined;

beforeAll(async () => {
  [kinesis, redis] = await Promise.all([startTestKinesis(), startTestRedis()]);
  client = kinesis.createClient();
});

afterEach(async () => {
  await group?.close();
  group = undefined;
});

afterAll(async () => {
  client.destroy();
  await Promise.all([kinesis.close(), redis.close()]);
});

function coordinator(keyPrefix: string): LeaseCoordinator {
  return new RedisCheckpointer({
    redis: redis.url,
    name: 'reservation-unknown',
    keyPrefix,
    sessionTimeout: SESSION_MS,
    heartbeatInterval: HEARTBEAT_MS,
  });
}

/** The coordinator, its releaseLease declared and resolving as a custom one's may: to nothing. */
function resolvingToNothing(inner: LeaseCoordinator): LeaseCoordinator {
  const release = inner.releaseLease.bind(inner);
  const releaseLease: LeaseCoordinator['releaseLease'] = async (
    lease: Lease,
    options?: ReleaseLeaseOptions,
  ): Promise<void> => {
    await release(lease, options);
  };
  inner.releaseLease = releaseLease;
  return inner;
}

it('a handoff through a coordinator whose release resolves to nothing reports reserved: undefined', async () => {
  const streamName = uniqueStreamName('rsv-unknown');
  await kinesis.createStream(streamName, 2);
  await putRecords(client, streamName, numbers(10));
  const keys = uniqueKeyPrefix('rsv-unknown');
  const running = new InProcessGroup(kinesis, streamName, new ProcessedLedger());
  group = running;
  const a = running.start('a', resolvingToNothing(coordinator(keys)));
  running.pipeline(a, 0, []);
  const acquiredBy = (worker: typeof a) =>
    worker.events.filter(({ event }) => event.type === 'lease-acquired').length;
  await waitFor(() => acquiredBy(a) === 2, { timeoutMs: 30_000, message: () => `a: ${eventTypes(a)}` });

  const b = running.start('b', coordinator(keys));
  running.pipeline(b, 0, []);
  const completed = () => a.events.filter(({ event }) => event.type === 'handoff-completed');
  await waitFor(() => completed().length > 0, {
    timeoutMs: 60_000,
    message: () => `a: ${eventTypes(a)}; b: ${eventTypes(b)}`,
  });
  const [handoff] = completed();
  const shardId = handoff?.event.type === 'handoff-completed' ? handoff.event.shardId : '';
  // The key is there, undefined: the store's answer is not known, not "reserved".
  expect(handoff?.event).toStrictEqual({
    type: 'handoff-completed',
    shardId,
    requester: 'b',
    drained: true,
    reserved: undefined,
  });
  // The release itself worked as before: the requester gets the shard.
  await waitFor(
    () => b.events.some(({ event }) => event.type === 'lease-acquired' && event.shardId === shardId),
    { timeoutMs: 30_000, message: () => `b: ${eventTypes(b)}` },
  );
});
