// Case: `consumer.pipe(take(n), repeat(), concatMap(work), checkpoint())` (or first() and
// repeat()) — the pipeline ends its subscription of the consumer before its asynchronous work,
// and repeat() subscribes the consumer again at once, while the records it took are still queued
// in concatMap() on their way to the same checkpoint(). The new run used to cut the old one's
// wait for those records short: the old run stopped having committed none of them, the new run
// read them again from the same position, took the same n records, and so on for ever (every
// record of a page read again and again, nothing ever stored). Now the new run starts once the
// records the old one took passed the checkpoint(): each run resumes after them. A pipeline
// whose work failed, resubscribed by retry() or catchError() between the work and checkpoint(),
// dropped the records it had in flight: the new run does not wait for them (it used to wait the
// lease duration) and reads them again.
import {
  catchError,
  concatMap,
  first,
  map,
  pipe,
  repeat,
  retry,
  take,
  takeWhile,
  timer,
  type MonoTypeOperatorFunction,
  type Subscription,
} from 'rxjs';
import {
  checkpoint,
  checkpointFilter,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

const shapes = [
  { name: 'take(5), repeat()', end: take<KinesisRecord>(5) },
  { name: 'first(), repeat()', end: first<KinesisRecord>() },
];
const delays = [
  { name: 'repeat()', again: repeat<KinesisRecord>() },
  { name: 'repeat({ delay: 20 })', again: repeat<KinesisRecord>({ delay: 20 }) },
];
const cases = shapes.flatMap((shape) =>
  delays.map((wait) => ({
    name: shape.name.replace('repeat()', wait.name),
    end: shape.end,
    again: wait.again,
  })),
);

test.each(cases)(
  '$name before concatMap(work) and checkpoint(): every record handled, each run resumes after the last',
  async ({ end, again }) => {
    const streamName = uniqueStreamName('repeat-before-work');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    const written = await putRecords(client, streamName, numbers(20));
    client.destroy();
    const ledger = new ProcessedLedger();
    const handled: string[] = [];
    const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
      snapshot: (shardId) => ledger.snapshot(shardId),
    });
    const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    let failure: unknown;
    const subscription: Subscription = consumer
      .pipe(
        end,
        again,
        concatMap((record) =>
          timer(5).pipe(
            map(() => {
              ledger.add(record.shardId, record.sequenceNumber);
              handled.push(record.sequenceNumber);
              return record;
            }),
          ),
        ),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe({ error: (error: unknown) => (failure = error) });
    try {
      await waitFor(
        () =>
          failure !== undefined ||
          written.every((record) => ledger.has(record.shardId, record.sequenceNumber)) ||
          handled.length > 200,
        {
          timeoutMs: 45_000,
          message: () => `handled ${ledger.size} of 20 records (${handled.length} handlings)`,
        },
      );
    } finally {
      subscription.unsubscribe();
      await consumer.stopped();
    }
    expect(failure).toBeUndefined();
    // Each record handled once (at least once is the promise; here nothing fails, so exactly once).
    expect(handled.length).toBe(20);
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
    for (const shardId of new Set(written.map((record) => record.shardId))) {
      const last = written.filter((record) => record.shardId === shardId).at(-1)?.sequenceNumber;
      expect(await checkpointer.getCheckpoint(streamName, shardId)).toEqual({
        kind: 'position',
        position: { sequenceNumber: last },
      });
    }
  },
);

const resubscribers = [
  { name: 'retry()', again: retry<KinesisRecord>() },
  {
    name: 'catchError((error, caught) => caught)',
    again: catchError<KinesisRecord, never>((_error, caught) => caught as never),
  },
];

test.each(resubscribers)(
  'a failed work resubscribed by $name before checkpoint(): the next run starts at once and reads the dropped records again',
  async ({ again }) => {
    const streamName = uniqueStreamName('retry-before-checkpoint');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const written = await putRecords(client, streamName, numbers(20));
    client.destroy();
    const ledger = new ProcessedLedger();
    const checkpointer = new SpyCheckpointer(new MemoryCheckpointer({ leaseDurationMs: 60_000 }), {
      snapshot: (shardId) => ledger.snapshot(shardId),
    });
    const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    let failed = false;
    const started = Date.now();
    const subscription: Subscription = consumer
      .pipe(
        concatMap((record) =>
          timer(5).pipe(
            map(() => {
              if (!failed && record.sequenceNumber === written[7]?.sequenceNumber) {
                failed = true;
                throw new Error('handler failed');
              }
              ledger.add(record.shardId, record.sequenceNumber);
              return record;
            }),
          ),
        ),
        again,
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe();
    try {
      await waitFor(() => written.every((record) => ledger.has(record.shardId, record.sequenceNumber)), {
        timeoutMs: 45_000,
        message: () => `handled ${ledger.size} of 20 records`,
      });
    } finally {
      subscription.unsubscribe();
      await consumer.stopped();
    }
    expect(failed).toBe(true);
    // Not held back for the 60 s lease duration waiting for records the failed work dropped.
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
  },
);

// The remedies the README gives for a pipeline that drops the record that ends a run (a plain
// filter(), takeWhile() without `true`, whose next run waits the lease duration for it): a drop
// reported by checkpointFilter(), and takeWhile(predicate, true), which hands that record on.
const remedies = [
  {
    name: 'take(5), repeat(), checkpointFilter() dropping the fifth record',
    drops: true,
    shape: (dropped: string): MonoTypeOperatorFunction<KinesisRecord> =>
      pipe(
        take(5),
        repeat(),
        checkpointFilter((record: KinesisRecord) => record.sequenceNumber !== dropped),
      ),
  },
  {
    name: 'takeWhile(predicate, true), repeat() ending each run on its fifth record',
    drops: false,
    shape: (): MonoTypeOperatorFunction<KinesisRecord> => {
      let taken = 0;
      return pipe(
        takeWhile(() => (taken += 1) % 5 !== 0, true),
        repeat(),
      );
    },
  },
];

test.each(remedies)(
  '$name: no run waits the lease duration, each resumes after the last',
  async ({ shape, drops }) => {
    const streamName = uniqueStreamName('repeat-remedies');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const written = await putRecords(client, streamName, numbers(20));
    client.destroy();
    const dropped = written[4]?.sequenceNumber ?? '';
    const expected = written.filter((record) => !drops || record.sequenceNumber !== dropped);
    const handled: string[] = [];
    const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 60_000 });
    const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    const started = Date.now();
    let failure: unknown;
    const subscription: Subscription = consumer
      .pipe(
        shape(dropped),
        concatMap((record) => timer(5).pipe(map(() => (handled.push(record.sequenceNumber), record)))),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe({ error: (error: unknown) => (failure = error) });
    try {
      await waitFor(
        () =>
          failure !== undefined ||
          expected.every((record) => handled.includes(record.sequenceNumber)) ||
          handled.length > 200,
        { timeoutMs: 45_000, message: () => `handled ${handled.length} of ${expected.length} records` },
      );
    } finally {
      subscription.unsubscribe();
      await consumer.stopped();
    }
    expect(failure).toBeUndefined();
    expect(handled).toEqual(expected.map((record) => record.sequenceNumber));
    // Not held back for the 60 s lease duration by a record that never reaches checkpoint().
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(await checkpointer.getCheckpoint(streamName, written[0]?.shardId ?? '')).toEqual({
      kind: 'position',
      position: { sequenceNumber: written.at(-1)?.sequenceNumber },
    });
  },
);
