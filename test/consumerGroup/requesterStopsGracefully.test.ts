// A worker asks for a shard; its owner hands it over and the store reserves the released lease for
// the requester, which stops gracefully (unsubscribed: its consumer stops and leaves the group)
// before its next balancing pass would have taken the lease. Leaving must withdraw that
// reservation: the owner reads the shard again at once, not after the reservation ran out. Run on
// Redis and on DynamoDB, every worker a fromKinesis() consumer of this process.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { numbers, ProcessedLedger, putRecords, waitFor } from '../support/streamRecords.js';
import { eventTypes, InProcessGroup, groupCheckpointer, type GroupStore } from './inProcessGroup.js';

jest.setTimeout(120_000);

const SESSION_MS = 4000;
const HEARTBEAT_MS = 250;
// Far longer than everything the owner needs to take the shard back on a loaded machine.
const RESERVATION_MS = 30_000;
// The requester's own balancing: its first pass asks for a shard, and the next one (which would
// take the reserved lease) comes only after the test stopped it.
const REQUESTER_HEARTBEAT_MS = RESERVATION_MS;
const REQUESTER_SESSION_MS = 3 * REQUESTER_HEARTBEAT_MS;

let kinesis: TestKinesis;
let redis: TestRedis;
let dynamo: TestDynamoDB;
let client: KinesisClient;
let group: InProcessGroup | undefined;

beforeAll(async () => {
  [kinesis, redis, dynamo] = await Promise.all([startTestKinesis(), startTestRedis(), startTestDynamoDB()]);
  client = kinesis.createClient();
});

afterEach(async () => {
  await group?.close();
  group = undefined;
});

afterAll(async () => {
  client.destroy();
  await Promise.all([kinesis.close(), redis.close(), dynamo.close()]);
});

function coordinator(
  store: GroupStore,
  keys: string,
  sessionMs: number,
  heartbeatMs: number,
): LeaseCoordinator {
  return groupCheckpointer(store, keys, {
    redisUrl: redis.url,
    dynamo,
    name: 'requester-stops',
    sessionMs,
    heartbeatMs,
    handoffReservationMs: RESERVATION_MS,
  });
}

describe.each<GroupStore>(['redis', 'dynamodb'])(
  'a requester that stops gracefully once the owner reserved the shard for it, on %s',
  (store) => {
    it('withdraws the reservation as it leaves: the owner reads the shard again at once', async () => {
      const streamName = uniqueStreamName('req-stop');
      await kinesis.createStream(streamName, 2);
      await putRecords(client, streamName, numbers(20));
      const keys = store === 'redis' ? uniqueKeyPrefix('req-stop') : uniqueTableName('req-stop');
      const running = new InProcessGroup(kinesis, streamName, new ProcessedLedger());
      group = running;
      const a = running.start('a', coordinator(store, keys, SESSION_MS, HEARTBEAT_MS));
      running.pipeline(a, 0, []);
      const acquired = (shardId: string) =>
        a.events.filter(({ event }) => event.type === 'lease-acquired' && event.shardId === shardId);
      await waitFor(
        () => acquired('shardId-000000000000').length > 0 && acquired('shardId-000000000001').length > 0,
        { timeoutMs: 30_000, message: () => `a: ${eventTypes(a)}` },
      );

      const c = running.start('c', coordinator(store, keys, REQUESTER_SESSION_MS, REQUESTER_HEARTBEAT_MS));
      const requester = running.pipeline(c, 0, []);
      const completed = () => a.events.filter(({ event }) => event.type === 'handoff-completed');
      await waitFor(() => completed().length > 0, {
        timeoutMs: 30_000,
        message: () => `a: ${eventTypes(a)}; c: ${eventTypes(c)}`,
      });
      const handedOver = completed()[0];
      const shardId = handedOver?.event.type === 'handoff-completed' ? handedOver.event.shardId : '';
      expect(handedOver?.event).toEqual({
        type: 'handoff-completed',
        shardId,
        requester: 'c',
        drained: true,
        reserved: true,
      });
      // c asked for the shard and has not taken it yet: it stops now.
      expect(c.events.map(({ event }) => event.type)).toContain('handoff-requested');
      expect(c.events.some(({ event }) => event.type === 'lease-acquired')).toBe(false);
      requester.unsubscribe();
      await c.consumer.stopped();
      const stoppedAt = Date.now();
      expect(c.events.some(({ event }) => event.type === 'lease-acquired')).toBe(false);

      await waitFor(() => acquired(shardId).length === 2, {
        timeoutMs: RESERVATION_MS + 20_000,
        message: () => `a: ${eventTypes(a)}`,
      });
      // a's next balancing passes take it (a few heartbeats; generous for a loaded machine).
      // Still reserved for c, it would stay unread for the whole reservation.
      const back = (acquired(shardId)[1]?.at ?? Infinity) - stoppedAt;
      expect(back).toBeLessThan(RESERVATION_MS / 4);
    });
  },
);
