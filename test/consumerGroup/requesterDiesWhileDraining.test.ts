// A worker asks for a shard; its owner starts handing it over and waits for its records in
// flight; the requester dies meanwhile (every call of its own to the store hangs, as for a killed
// or frozen process) and its heartbeat runs out before those records are done. The release that
// ends the handover must not reserve the shard for the dead requester: a live worker reads it
// again at once, not after the reservation ran out. Run on Redis and on DynamoDB, every worker a
// fromKinesis() consumer of this process.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { consumerEventLogLine } from '../../src/consumer/logConsumerEvent.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { numbers, ProcessedLedger, putRecords, waitFor } from '../support/streamRecords.js';
import { diesAfterItsRequest } from './diesAfterItsRequest.js';
import { eventTypes, InProcessGroup, groupCheckpointer, type GroupStore } from './inProcessGroup.js';

jest.setTimeout(180_000);

// A session long enough that the owner surely sees the request while the requester is live, and
// keeps its own leases, on a loaded machine; a reservation far longer than everything the owner
// needs to take the shard back. dynalite answers in this test's own process, so a renewal waits
// for the starved event loop twice (client and server): its session and reservation are longer.
const SESSION_MS: Record<GroupStore, number> = { redis: 4000, dynamodb: 10_000 };
const HEARTBEAT_MS = 250;
const RESERVATION_MS: Record<GroupStore, number> = { redis: 20_000, dynamodb: 40_000 };

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
    name: 'requester-dies-draining',
    sessionMs: SESSION_MS[store],
    heartbeatMs: HEARTBEAT_MS,
    handoffReservationMs: RESERVATION_MS[store],
  });
}

describe.each<GroupStore>(['redis', 'dynamodb'])(
  'a requester that dies while the owner drains, on %s',
  (store) => {
    it('is not given the shard: the owner reads it again at once after its drain', async () => {
      const streamName = uniqueStreamName('req-drain');
      await kinesis.createStream(streamName, 2);
      await putRecords(client, streamName, numbers(20));
      const keys = store === 'redis' ? uniqueKeyPrefix('req-drain') : uniqueTableName('req-drain');
      const running = new InProcessGroup(kinesis, streamName, new ProcessedLedger());
      group = running;
      const a = running.start('a', coordinator(store, keys));
      // a's records stay in flight until the requester is gone, whatever the machine's speed.
      let openGate: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      running.pipeline(a, 0, [], gate);
      const acquired = (shardId: string) =>
        a.events.filter(({ event }) => event.type === 'lease-acquired' && event.shardId === shardId);
      await waitFor(
        () => acquired('shardId-000000000000').length > 0 && acquired('shardId-000000000001').length > 0,
        { timeoutMs: 30_000, message: () => `a: ${eventTypes(a)}` },
      );
      // Records of both shards in flight at a before c asks: whichever shard c gets, a has records
      // to drain (on a loaded machine a's first reads may answer after c's request otherwise).
      await waitFor(
        () => {
          const shards = a.consumer.stats().shards;
          return shards.length === 2 && shards.every((shard) => shard.inFlight > 0);
        },
        { timeoutMs: 30_000, message: () => `a: ${JSON.stringify(a.consumer.stats().shards)}` },
      );

      const checkpointer = coordinator(store, keys);
      const c = diesAfterItsRequest(checkpointer, thaws);
      const cWorker = running.start('c', checkpointer);
      running.pipeline(cWorker, 0, []);
      await waitFor(() => c.died() !== undefined, {
        timeoutMs: 20_000,
        message: () => `a: ${eventTypes(a)}; c: ${eventTypes(cWorker)}`,
      });
      // a is handing the shard over and waiting for its records: its drain timed out once.
      await waitFor(() => a.events.some(({ event }) => event.type === 'handoff-timeout'), {
        timeoutMs: 30_000,
        message: () => `a: ${eventTypes(a)}`,
      });
      // c's heartbeat ran out, as a's balancing sees it; a's records are still in flight.
      await waitFor(
        () =>
          a.events.some(
            ({ at, event }) =>
              event.type === 'rebalance' && at > (c.died() ?? 0) && !event.liveWorkers.includes('c'),
          ),
        { timeoutMs: 30_000, message: () => `a: ${eventTypes(a)}` },
      );
      expect(a.events.some(({ event }) => event.type === 'lease-released')).toBe(false);
      openGate();

      await waitFor(() => a.events.some(({ event }) => event.type === 'lease-released'), {
        timeoutMs: 30_000,
        message: () => `a: ${eventTypes(a)}`,
      });
      const released = a.events.find(({ event }) => event.type === 'lease-released');
      const shardId = released?.event.type === 'lease-released' ? released.event.shardId : '';
      expect(released?.event).toEqual({ type: 'lease-released', shardId });
      // The handover ended, but the shard did not go to c: the event says the store reserved
      // nothing for it (and the log line that it was not live).
      const completed = () => a.events.filter(({ event }) => event.type === 'handoff-completed');
      await waitFor(() => completed().length > 0, {
        timeoutMs: 10_000,
        message: () => `a: ${eventTypes(a)}`,
      });
      expect(completed().map(({ event }) => event)).toEqual([
        { type: 'handoff-completed', shardId, requester: 'c', drained: true, reserved: false },
      ]);
      expect(consumerEventLogLine(completed()[0]!.event).message).toMatch(
        /no reservation, the requester was not live/,
      );
      await waitFor(() => acquired(shardId).length === 2, {
        timeoutMs: RESERVATION_MS[store] + 20_000,
        message: () => `a: ${eventTypes(a)}`,
      });
      // Free at once: a's next balancing passes take it (a few heartbeats; generous for a loaded
      // machine). Reserved for c, it would stay unread for the whole reservation.
      const back = (acquired(shardId)[1]?.at ?? Infinity) - (released?.at ?? 0);
      expect(back).toBeLessThan(RESERVATION_MS[store] / 4);
    });
  },
);
