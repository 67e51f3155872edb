// An owner whose event loop stalls (as a process paused by SIGSTOP, then resumed) past its lease
// while it hands a shard over and its records are still in its handler. When it runs again, its
// records finish and pass checkpoint() before anything else could tell it the lease is gone: it
// must still write nothing, and release nothing, through the leases it lost; the shards are read
// again, one owner each, and nothing is lost. The stall blocks the whole process, the requester
// too, like a machine that froze.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { CheckpointPosition } from '../../src/checkpointers/Checkpointer.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../support/streamRecords.js';
import { eventTypes, heldBy, InProcessGroup } from './inProcessGroup.js';

jest.setTimeout(60_000);

const SESSION_MS = 1000;
const HEARTBEAT_MS = 200;
const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];

let kinesis: TestKinesis;
let redis: TestRedis;
let client: KinesisClient;
let group: InProcessGroup | undefined;

function samePosition(a: CheckpointPosition | 'SHARD_END', b: CheckpointPosition | 'SHARD_END'): boolean {
  if (a === 'SHARD_END' || b === 'SHARD_END') return a === b;
  return a.sequenceNumber === b.sequenceNumber && a.subSequenceNumber === b.subSequenceNumber;
}

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

test('the stalled owner writes and releases nothing through its lost leases; the shards are read again, nothing lost', async () => {
  const streamName = uniqueStreamName('stalled-handover');
  await kinesis.createStream(streamName, SHARDS.length);
  const written = await putRecords(client, streamName, numbers(60));
  const processed = new ProcessedLedger();
  const running = new InProcessGroup(kinesis, streamName, processed);
  group = running;
  const keyPrefix = uniqueKeyPrefix('stalled-handover');
  const checkpointer = () =>
    new RedisCheckpointer({
      redis: redis.url,
      name: 'stalled-handover',
      keyPrefix,
      sessionTimeout: SESSION_MS,
      heartbeatInterval: HEARTBEAT_MS,
    });
  // a works slowly through both shards: its handover cannot drain for seconds.
  const a = running.start('a', checkpointer());
  running.pipeline(a, 100, [processed]);
  await waitFor(() => SHARDS.every((shardId) => heldBy(a, shardId) === 1) && processed.size >= 2, {
    timeoutMs: 30_000,
    message: () => `a: ${eventTypes(a)}`,
  });
  const c = running.start('c', checkpointer());
  running.pipeline(c, 0, [processed]);
  await waitFor(() => c.events.some(({ event }) => event.type === 'handoff-requested'), {
    timeoutMs: 20_000,
    message: () => `c: ${eventTypes(c)}`,
  });
  // a sees the request at its next pass and starts handing over; then the process stalls.
  await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_MS));
  const stalledAt = Date.now();
  const stallEnd = stalledAt + SESSION_MS + 500;
  while (Date.now() < stallEnd) {
    // busy: no timer, no I/O callback runs
  }
  const resumedAt = Date.now();
  await waitFor(() => SHARDS.every((shardId) => heldBy(a, shardId) + heldBy(c, shardId) === 1), {
    timeoutMs: 20_000,
    message: () => `a: ${eventTypes(a)}; c: ${eventTypes(c)}`,
  });
  await waitFor(() => written.every((record) => processed.has(record.shardId, record.sequenceNumber)), {
    timeoutMs: 30_000,
    message: () => `processed ${processed.size} of ${written.length}`,
  });
  for (const shardId of SHARDS) {
    const ofShard = a.events.filter(({ event }) => 'shardId' in event && event.shardId === shardId);
    // A write sent before the stall (under the lease, still held then) may be answered during it:
    // the process only takes the answer in when it runs again, so its checkpoint-written can come
    // after resumedAt. Apart from those answers, the first news of each shard after the stall:
    // its lease lost, not a release, a handoff or a write sent since.
    const sentBeforeStall = running.writes.filter(
      (w) => w.worker === 'a' && w.shardId === shardId && w.at < stalledAt && w.accepted === true,
    );
    const answersSentBefore = (event: ConsumerEvent) =>
      event.type === 'checkpoint-written' &&
      sentBeforeStall.some((w) => samePosition(w.position, event.position));
    const first = ofShard.find(({ at, event }) => at >= resumedAt && !answersSentBefore(event));
    expect({ shardId, first: first?.event.type }).toEqual({ shardId, first: 'lease-lost' });
    const back = ofShard.find(({ at, event }) => at >= resumedAt && event.type === 'lease-acquired');
    const late = running.writes.filter(
      (w) => w.worker === 'a' && w.shardId === shardId && w.at >= resumedAt && w.at < (back?.at ?? Infinity),
    );
    expect(late).toEqual([]);
  }
  expect(
    writesAheadOfProcessing(
      running.writes.filter((w) => w.accepted === true),
      written,
    ),
  ).toEqual([]);
});
