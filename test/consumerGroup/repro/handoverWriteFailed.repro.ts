// Reproduction (not part of the suite: it fails on the current code). A handover whose last
// position write fails (a store error that is not a lost lease) still releases the lease to the
// requester, so the requester starts before the records the owner drained and processes them a
// second time, although the README promises a drained handoff reads nothing twice.
//   npx jest --selectProjects test --testMatch '<rootDir>/test/**/*.repro.ts' --maxWorkers=1
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { concatMap, map, timer, type Subscription } from 'rxjs';
import type { CheckpointPosition, Lease } from '../../../src/checkpointers/Checkpointer.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../../src/observables/fromKinesis.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';

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

test('a handover whose last write failed does not hand the shard over from before its drained records', async () => {
  const streamName = uniqueStreamName('handover-write-failed');
  await kinesis.createStream(streamName, 2);
  await putRecords(client, streamName, numbers(40));
  const keyPrefix = uniqueKeyPrefix('handover-write-failed');
  const processedBy = new Map<string, Set<string>>();
  let failWrites = false;
  const start = (id: string, handlerMs: number) => {
    const checkpointer = new RedisCheckpointer({
      redis: redis.url,
      name: 'handover-write-failed',
      keyPrefix,
      sessionTimeout: 2000,
      heartbeatInterval: 250,
    });
    checkpointers.push(checkpointer);
    const write = checkpointer.checkpoint.bind(checkpointer);
    checkpointer.checkpoint = (lease: Lease, position: CheckpointPosition) =>
      id === 'a' && failWrites
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
  // Every write of a fails from now on (the store answers the lease calls, not the writes).
  failWrites = true;
  const c = start('c', 0);
  await waitFor(() => a.some((e) => e.type === 'handoff-completed'), {
    timeoutMs: 30_000,
    message: () => `a: ${a.map((e) => e.type).join(', ')}`,
  });
  await waitFor(() => (processedBy.get('c')?.size ?? 0) > 0, {
    timeoutMs: 30_000,
    message: () => `c: ${c.map((e) => e.type).join(', ')}`,
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const both = [...(processedBy.get('c') ?? [])].filter((seq) => processedBy.get('a')?.has(seq));
  expect(both).toEqual([]);
});
