// Case: the consumer's subscription ended by an operator placed BEFORE the asynchronous work
// (take(n), first(), takeUntil(shutdown$)): the records it let through are still on their way to
// checkpoint() when the consumer loses its last subscriber. They are processed and pass
// checkpoint() afterwards; their positions must still be written before the run stops. Once,
// the run stopped at once and ignored them: every run read the same first records again, and a
// graceful takeUntil() shutdown committed none of the records it drained.
// A checkpoint() that stays open after the consumer's subscription ended (switchMap() to another
// fromKinesis()) must not keep the old run from stopping once its records passed.
import {
  catchError,
  concatMap,
  first,
  lastValueFrom,
  map,
  NEVER,
  Subject,
  switchMap,
  take,
  takeUntil,
  timer,
  toArray,
  type Subscription,
} from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisConsumerObservable,
  type KinesisItem,
} from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { numbers, putRecords, waitFor } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';
import { activeResources, extraResources } from '../../../support/activeResources.js';

jest.setTimeout(90_000);
const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';

async function stream(name: string, count: number): Promise<{ streamName: string; sequences: string[] }> {
  const streamName = uniqueStreamName(name);
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(count));
  client.destroy();
  return { streamName, sequences: written.map((r) => r.sequenceNumber) };
}

const work = (item: KinesisItem<number>) => timer(20).pipe(map(() => item));

test('take(n) and first() before asynchronous work and checkpoint(): each run resumes after the records the last one took', async () => {
  const { streamName } = await stream('take-before-work', 20);
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const viaTake = async () => {
    try {
      return await lastValueFrom(
        consumer.pipe(
          deserialize<number>(),
          take(5),
          concatMap(work),
          checkpoint({ intervalMs: 0 }),
          map((item) => item.data),
          toArray(),
        ),
      );
    } finally {
      await consumer.stopped();
    }
  };
  expect(await viaTake()).toEqual([0, 1, 2, 3, 4]);
  expect(await viaTake()).toEqual([5, 6, 7, 8, 9]);
  const viaFirst = await lastValueFrom(
    consumer.pipe(
      deserialize<number>(),
      first(),
      concatMap(work),
      checkpoint({ intervalMs: 0 }),
      map((item) => item.data),
    ),
  );
  await consumer.stopped();
  expect(viaFirst).toBe(10);
  expect(await viaTake()).toEqual([11, 12, 13, 14, 15]);
});

test('takeUntil(shutdown$) before the work: what it drains after the signal is committed, and stopped() waits for it', async () => {
  const { streamName, sequences } = await stream('take-until-drain', 20);
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const shutdown = new Subject<void>();
  // The run's sockets: those to the test Kinesis (not the local Kinesis's own to its store).
  const scope = { endpoints: [kinesis.endpoint] };
  const baseline = activeResources(scope);
  const handled: number[] = [];
  let received = 0;
  const subscription = consumer
    .pipe(
      deserialize<number>(),
      takeUntil(shutdown),
      concatMap((item) => {
        received += 1;
        return timer(20).pipe(map(() => item));
      }),
      checkpoint({ intervalMs: 0 }),
    )
    .subscribe((item) => handled.push(item.data));
  try {
    await waitFor(() => handled.length >= 2, {
      timeoutMs: 30_000,
      message: () => `${handled.length} handled`,
    });
  } finally {
    shutdown.next();
    await consumer.stopped();
    subscription.unsubscribe();
  }
  // Everything the pipeline had taken when the signal came was handled, and committed.
  expect(handled.length).toBeGreaterThanOrEqual(2);
  const last = sequences[handled.length - 1];
  expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: last },
  });
  expect(handled).toEqual(numbers(handled.length).map(Number));
  expect(received).toBe(handled.length);
  // Nothing of the run (its wait for the drained records included) is left running.
  await waitFor(() => extraResources(baseline, scope).length === 0, {
    timeoutMs: 15_000,
    message: () => `still active after stopped(): ${extraResources(baseline, scope).join(', ')}`,
  });
});

test('switchMap() to a new fromKinesis() per trigger, one checkpoint() after it: each old run stops, nothing is lost', async () => {
  const { streamName } = await stream('switch-outer-checkpoint', 30);
  const checkpointer = new MemoryCheckpointer();
  const consumers: KinesisConsumerObservable[] = [];
  const triggers = new Subject<void>();
  const seen = new Set<number>();
  const subscription: Subscription = triggers
    .pipe(
      switchMap(() => {
        const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
        consumers.push(consumer);
        return consumer.pipe(deserialize<number>());
      }),
      concatMap(work),
      checkpoint({ intervalMs: 0 }),
    )
    .subscribe((item) => seen.add(item.data));
  try {
    triggers.next();
    await waitFor(() => seen.size >= 5, { timeoutMs: 30_000, message: () => `${seen.size} seen` });
    triggers.next();
    // The first run stops although the checkpoint() it fed stays open.
    await consumers[0]?.stopped();
    await waitFor(() => seen.size === 30, { timeoutMs: 30_000, message: () => `${seen.size} of 30 seen` });
  } finally {
    subscription.unsubscribe();
    await Promise.all(consumers.map((consumer) => consumer.stopped()));
  }
  expect(consumers).toHaveLength(2);
});

test('a pipeline that keeps its checkpoint() open and never passes what it took (catchError to NEVER) holds the run no longer than a lease', async () => {
  const { streamName, sequences } = await stream('never-passes', 10);
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 3000 });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const subscription = consumer
    .pipe(
      deserialize<number>(),
      concatMap((item) => {
        if (item.data === 3) throw new Error('handler failed');
        return work(item);
      }),
      catchError(() => NEVER),
      checkpoint({ intervalMs: 0 }),
    )
    .subscribe();
  try {
    // The error ended the consumer's only subscription; records 3.. never pass.
    await consumer.stopped();
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: sequences[2] },
    });
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
  }
});
