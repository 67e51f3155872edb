// A worker asks for a shard and dies right after (every call of its own to the store hangs, as
// for a killed or frozen process): the owner hands the shard over to it, or was already handing
// it over when it died. The shard must be read again, by a live worker, within the dead
// worker's session plus a few heartbeats: never left reserved, or waiting, for a worker that is
// gone. Run on Redis and on DynamoDB, every worker a fromKinesis() consumer of this process.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { numbers, ProcessedLedger, putRecords, waitFor } from '../support/streamRecords.js';
import { diesAfterItsRequest } from './diesAfterItsRequest.js';
import { eventTypes, InProcessGroup, groupCheckpointer, type GroupStore } from './inProcessGroup.js';

jest.setTimeout(120_000);

// The session each store's workers keep. dynalite answers in this test's own process, so on a
// loaded machine a renewal waits for the starved event loop twice (client and server): seconds,
// not the sub-second of an idle machine. A session shorter than that expires the live owner's own
// leases before the requester even asks.
const SESSION_MS: Record<GroupStore, number> = { redis: 2000, dynamodb: 10_000 };
const HEARTBEAT_MS = 250;

let kinesis: TestKinesis;
let redis: TestRedis;
let dynamo: TestDynamoDB;
let client: KinesisClient;
let group: InProcessGroup | undefined;
const thaws: (() => void)[] = [];

beforeAll(async () => {
  [kinesis, redis, dynamo] = await Promise.all([startTestKinesis(), startTestRedis(), startTestDynamoDB()]);
  client = kinesis.createClient();
});

afterEach(async () => {
  for (const thaw of thaws.splice(0)) thaw();
  await group?.close();
  group = undefined;
});

afterAll(async () => {
  client.destroy();
  await Promise.all([kinesis.close(), redis.close(), dynamo.close()]);
});

function coordinator(store: GroupStore, keys: string): LeaseCoordinator {
  return groupCheckpointer(store, keys, {
    redisUrl: redis.url,
    dynamo,
    name: 'dead-requester',
    sessionMs: SESSION_MS[store],
    heartbeatMs: HEARTBEAT_MS,
  });
}

describe.each<GroupStore>(['redis', 'dynamodb'])('a requester that dies, on %s', (store) => {
  const keysFor = () => (store === 'redis' ? uniqueKeyPrefix('dead-req') : uniqueTableName('dead-req'));

  it.each([
    ['drains at once', 0],
    ['waits past the drain timeout for its records', 100],
  ])(
    'the owner (which %s) reads the shard again within a session and a few heartbeats of the death',
    async (_title, handlerMs) => {
      const streamName = uniqueStreamName('dead-req');
      await kinesis.createStream(streamName, 2);
      await putRecords(client, streamName, numbers(handlerMs === 0 ? 20 : 40));
      const keys = keysFor();
      const running = new InProcessGroup(kinesis, streamName, new ProcessedLedger());
      group = running;
      const a = running.start('a', coordinator(store, keys));
      // Waiting past the drain timeout: a's records stay in flight until its handover reported
      // handoff-timeout (whatever the machine's speed), then take handlerMs each.
      let openGate: () => void = () => undefined;
      const gate = handlerMs === 0 ? undefined : new Promise<void>((resolve) => (openGate = resolve));
      running.pipeline(a, handlerMs, [], gate);
      const acquired = (shardId: string) =>
        a.events.filter(({ event }) => event.type === 'lease-acquired' && event.shardId === shardId);
      await waitFor(
        () => acquired('shardId-000000000000').length > 0 && acquired('shardId-000000000001').length > 0,
        { timeoutMs: 30_000, message: () => `a: ${eventTypes(a)}` },
      );
      const checkpointer = coordinator(store, keys);
      const c = diesAfterItsRequest(checkpointer, thaws);
      running.pipeline(running.start('c', checkpointer), 0, []);
      await waitFor(() => c.died() !== undefined, {
        timeoutMs: 20_000,
        message: () => `a: ${eventTypes(a)}`,
      });
      const diedAt = c.died() ?? 0;
      if (gate !== undefined) {
        await waitFor(() => a.events.some(({ event }) => event.type === 'handoff-timeout'), {
          timeoutMs: 30_000,
          message: () => `a: ${eventTypes(a)}`,
        });
        openGate();
      }
      // The owner hands the shard over (to the dead worker), then must take it back.
      await waitFor(() => a.events.some(({ event }) => event.type === 'lease-released'), {
        timeoutMs: 30_000,
        message: () => `a: ${eventTypes(a)}`,
      });
      const released = a.events.find(({ event }) => event.type === 'lease-released');
      const shardId = released?.event.type === 'lease-released' ? released.event.shardId : '';
      await waitFor(() => acquired(shardId).length === 2, {
        timeoutMs: 30_000,
        message: () => `a: ${eventTypes(a)}`,
      });
      const back = acquired(shardId)[1]?.at ?? Infinity;
      if (handlerMs > 0) expect(a.events.some(({ event }) => event.type === 'handoff-timeout')).toBe(true);
      // The dead worker's heartbeat runs out a session after its last one (about its death), a
      // reservation for it two heartbeats after the release; then one pass of the owner takes
      // the shard. A session more is generous for a loaded machine, and far below for ever.
      const releasedAt = released?.at ?? 0;
      const sessionMs = SESSION_MS[store];
      expect(back - Math.max(releasedAt, diedAt + sessionMs)).toBeLessThan(sessionMs);
    },
  );
});
