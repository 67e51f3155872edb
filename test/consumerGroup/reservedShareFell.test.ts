// A worker asks for a shard; more workers join while the owner drains its records, so the
// requester's share falls to what it already holds; the owner then releases the lease reserved for
// the requester, which no longer takes it. The requester must withdraw that reservation: the shard
// is read again at once, not left unread until the reservation ran out. Run on Redis and on
// DynamoDB, every worker a fromKinesis() consumer of this process.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { concatMap, from, map, type Subscription } from 'rxjs';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { numbers, putRecords, waitFor } from '../support/streamRecords.js';
import { groupCheckpointer, type GroupStore } from './inProcessGroup.js';

jest.setTimeout(120_000);

// The requester's session, and so its handoff timeout: the owner keeps draining (not withdrawing)
// for all the time the test needs to bring the other workers in on a loaded machine.
const REQUESTER_SESSION_MS = 30_000;
const SESSION_MS = 4000;
const HEARTBEAT_MS = 250;
// Far longer than everything a worker needs to take the shard on a loaded machine.
const RESERVATION_MS = 30_000;

interface Worker {
  readonly id: string;
  readonly consumer: KinesisConsumerObservable;
  readonly checkpointer: LeaseCoordinator;
  readonly events: { readonly at: number; readonly event: ConsumerEvent }[];
  readonly subscription: Subscription;
}

let kinesis: TestKinesis;
let redis: TestRedis;
let dynamo: TestDynamoDB;
let client: KinesisClient;
const workers: Worker[] = [];

beforeAll(async () => {
  [kinesis, redis, dynamo] = await Promise.all([startTestKinesis(), startTestRedis(), startTestDynamoDB()]);
  client = kinesis.createClient();
});

afterEach(async () => {
  const stopping = workers.splice(0);
  for (const worker of stopping) worker.subscription.unsubscribe();
  await Promise.all(stopping.map((worker) => worker.consumer.stopped()));
  await Promise.all(stopping.map((worker) => worker.checkpointer.close()));
});

afterAll(async () => {
  client.destroy();
  await Promise.all([kinesis.close(), redis.close(), dynamo.close()]);
});

const types = (worker: Worker) => worker.events.map(({ event }) => event.type).join(', ');
const acquired = (worker: Worker, shardId?: string) =>
  worker.events.filter(
    ({ event }) => event.type === 'lease-acquired' && (shardId === undefined || event.shardId === shardId),
  );

describe.each<GroupStore>(['redis', 'dynamodb'])(
  'a requester whose share fell while the owner drained, on %s',
  (store) => {
    it('withdraws the reservation it has no room for: the shard is read again at once', async () => {
      const streamName = uniqueStreamName('share-fell');
      await kinesis.createStream(streamName, 4);
      const written = await putRecords(client, streamName, numbers(200), 64);
      expect(new Set(written.map((record) => record.shardId)).size).toBe(4);
      const keys = store === 'redis' ? uniqueKeyPrefix('share-fell') : uniqueTableName('share-fell');
      // The owner's records wait for this gate: its handovers drain only once the test opens it.
      let openGate: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const start = (id: string, sessionMs: number, maxShardConsumers?: number, gated = false): Worker => {
        const checkpointer = groupCheckpointer(store, keys, {
          redisUrl: redis.url,
          dynamo,
          name: 'share-fell',
          sessionMs,
          heartbeatMs: HEARTBEAT_MS,
          handoffReservationMs: RESERVATION_MS,
        });
        const consumer = fromKinesis({
          streamName,
          endpoint: kinesis.endpoint,
          region: kinesis.region,
          credentials: kinesis.credentials,
          checkpointer,
          workerId: id,
          sleepTimeNoRecords: 100,
          takeoverGraceMs: 0,
          ...(maxShardConsumers === undefined ? {} : { maxShardConsumers }),
        });
        const events: Worker['events'] = [];
        consumer.events$.subscribe((event) => events.push({ at: Date.now(), event }));
        const subscription = consumer
          .pipe(
            concatMap((record) => (gated ? from(gate).pipe(map(() => record)) : [record])),
            checkpoint({ batchSize: 1, intervalMs: 50 }),
          )
          .subscribe();
        const worker = { id, consumer, checkpointer, events, subscription };
        workers.push(worker);
        return worker;
      };

      // a holds 3 of the 4 shards (its cap), with records of each in flight.
      const a = start('a', SESSION_MS, 3, true);
      await waitFor(() => a.consumer.stats().shards.filter((shard) => shard.inFlight > 0).length === 3, {
        timeoutMs: 30_000,
        message: () => `a: ${types(a)}`,
      });
      // c takes the free shard and, its share being 2, asks a for one.
      const c = start('c', REQUESTER_SESSION_MS);
      await waitFor(() => c.events.some(({ event }) => event.type === 'handoff-requested'), {
        timeoutMs: 30_000,
        message: () => `c: ${types(c)}`,
      });
      const requested = c.events.find(({ event }) => event.type === 'handoff-requested')?.event;
      const shardId = requested?.type === 'handoff-requested' ? requested.shardId : '';
      expect(acquired(c)).toHaveLength(1);
      // Two more workers join: c's share is now the one shard it holds.
      start('d', SESSION_MS);
      start('e', SESSION_MS);
      await waitFor(
        () =>
          c.events.some(({ event }) => event.type === 'rebalance' && event.liveWorkers.length === 4) &&
          a.events.some(({ event }) => event.type === 'rebalance' && event.liveWorkers.length === 4),
        { timeoutMs: 30_000, message: () => `c: ${types(c)}` },
      );
      expect(a.events.some(({ event }) => event.type === 'lease-released')).toBe(false);
      openGate();

      // a hands the shard over once drained: the store reserves it for c, still live.
      const handedOver = () =>
        a.events.find(({ event }) => event.type === 'handoff-completed' && event.shardId === shardId);
      await waitFor(() => handedOver() !== undefined, {
        timeoutMs: 30_000,
        message: () => `a: ${types(a)}`,
      });
      // c withdraws its request at its first pass that counts the new workers. a's drain usually
      // ends first (the case this test is for: the shard is reserved for c, which has no room).
      // When c's withdrawal lands first, d or e asks for the shard in c's place and it is
      // reserved for that one, which has room: the shard must come back at once either way.
      expect(handedOver()?.event).toEqual({
        type: 'handoff-completed',
        shardId,
        requester: expect.stringMatching(/^[cde]$/),
        drained: true,
        reserved: true,
      });
      const takenBy = () =>
        workers
          .flatMap((worker) => acquired(worker, shardId))
          .filter(({ at }) => at > (handedOver()?.at ?? 0));
      await waitFor(() => takenBy().length > 0, {
        timeoutMs: RESERVATION_MS + 20_000,
        message: () => workers.map((worker) => `${worker.id}: ${types(worker)}`).join('; '),
      });
      // c does not take it (no room); it withdraws the reservation at its next pass, and a worker
      // with room takes the shard at its own next pass (a few heartbeats; generous for a loaded
      // machine). Left reserved for c, it would stay unread for the whole reservation.
      expect(acquired(c, shardId)).toEqual([]);
      const back = (takenBy()[0]?.at ?? Infinity) - (handedOver()?.at ?? 0);
      expect(back).toBeLessThan(RESERVATION_MS / 4);
    });
  },
);
