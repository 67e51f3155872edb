// A handover whose last position write fails (a store error that is not a lost lease) tries it
// again before the lease goes: released without it, the requester would start before the records
// the owner drained and process them a second time (a drained handoff reads nothing twice). A
// store that never takes the write does not hold the shard: it is handed over all the same.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { concatMap, map, timer, type Subscription } from 'rxjs';
import type { CheckpointPosition, Lease } from '../../src/checkpointers/Checkpointer.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { RedisUnavailableError } from '../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import { numbers, putRecords, waitFor } from '../support/streamRecords.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
let redis: TestRedis;
let client: KinesisClient;
const subscriptions: Subscription[] = [];
const consumers: KinesisConsumerObservable[] = [];
const checkpointers: RedisCheckpointer[] = [];

beforeAll(async () => {
  [kinesis, redis] = await Promise.all([startTestKinesis(), startTestRedis()]);
  client = kinesis.createClient();
});

afterAll(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stopped()));
  await Promise.all(checkpointers.splice(0).map((checkpointer) => checkpointer.close()));
  client.destroy();
  await Promise.all([kinesis.close(), redis.close()]);
});

async function handOverWithFailingWrites(
  failures: number,
): Promise<{ both: string[]; processedByC: number; aEvents: ConsumerEvent[] }> {
  const streamName = uniqueStreamName('handover-write-failed');
  await kinesis.createStream(streamName, 2);
  await putRecords(client, streamName, numbers(40));
  const keyPrefix = uniqueKeyPrefix('handover-write-failed');
  const processedBy = new Map<string, Set<string>>();
  // Writes of a to fail, from when they are armed.
  let failWrites = 0;
  const start = (id: string, handlerMs: number) => {
    const checkpointer = new RedisCheckpointer({
      redis: redis.url,
      name: 'handover-write-failed',
      keyPrefix,
      // A 6 s session (its Redis calls get 3 s): a loaded machine's slow Redis answers do not cost a
      // its leases, whose records c would then read again.
      sessionTimeout: 6000,
      heartbeatInterval: 500,
    });
    checkpointers.push(checkpointer);
    const write = checkpointer.checkpoint.bind(checkpointer);
    checkpointer.checkpoint = (lease: Lease, position: CheckpointPosition) =>
      id === 'a' && failWrites > 0 && (failWrites -= 1) >= 0
        ? Promise.reject(new RedisUnavailableError('checkpoint', 1, new Error('timeout')))
        : write(lease, position);
    const consumer = fromKinesis({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      checkpointer,
      workerId: id,
      sleepTimeNoRecords: 100,
    });
    consumers.push(consumer);
    const events: ConsumerEvent[] = [];
    subscriptions.push(consumer.events$.subscribe((event) => events.push(event)));
    const seen = new Set<string>();
    processedBy.set(id, seen);
    subscriptions.push(
      consumer
        .pipe(
          concatMap((record: KinesisRecord) => timer(handlerMs).pipe(map(() => record))),
          map((record) => {
            seen.add(record.sequenceNumber);
            return record;
          }),
          // Positions are written at handovers only.
          checkpoint({ batchSize: 100_000, intervalMs: 600_000 }),
        )
        .subscribe(),
    );
    return events;
  };
  const a = start('a', 20);
  await waitFor(() => (processedBy.get('a')?.size ?? 0) >= 2, {
    timeoutMs: 30_000,
    message: () => 'a read nothing',
  });
  // The next writes of a fail (the store answers the lease calls, not the writes).
  failWrites = failures;
  const c = start('c', 0);
  // Handed over, or taken over by c at its request's deadline while a still tried to write.
  await waitFor(() => a.some((e) => e.type === 'handoff-completed' || e.type === 'lease-lost'), {
    timeoutMs: 30_000,
    message: () => `a: ${a.map((e) => e.type).join(', ')}`,
  });
  // a may have read its shards to the end: records after the handover show where c starts.
  await putRecords(client, streamName, numbers(40));
  await waitFor(() => (processedBy.get('c')?.size ?? 0) > 0, {
    timeoutMs: 30_000,
    message: () => `c: ${c.map((e) => e.type).join(', ')}`,
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const both = [...(processedBy.get('c') ?? [])].filter((seq) => processedBy.get('a')?.has(seq));
  return { both, processedByC: processedBy.get('c')?.size ?? 0, aEvents: a };
}

test('a handover whose last write fails at first writes it again, and the requester reads nothing twice', async () => {
  const { both, aEvents } = await handOverWithFailingWrites(2);
  expect(both).toEqual([]);
  expect(aEvents.some((e) => e.type === 'handoff-completed')).toBe(true);
  expect(aEvents.filter((e) => e.type === 'checkpoint-written').length).toBeGreaterThan(0);
});

test('a handover whose last write never lands does not hold the shard: the requester reads it (at-least-once)', async () => {
  const { processedByC } = await handOverWithFailingWrites(Number.POSITIVE_INFINITY);
  expect(processedByC).toBeGreaterThan(0);
});
