// Case: items batched for their work and flattened again before checkpoint(): bufferTime() with
// a count, and windowTime() with every window subscribed at once (mergeMap(toArray()), as the
// README asks of window operators), each batch handled asynchronously (items of two shards mixed
// in one batch), then `mergeMap(batch => from(batch))` into checkpoint() with a small batchSize
// and interval. The run is unsubscribed in the middle of the stream (batches still at work) and a
// new consumer resumes from the checkpointer's state: every record is handled at least once, and
// no position is ever written ahead of a record whose batch was not finished.
import {
  bufferTime,
  concatMap,
  from,
  map,
  mergeMap,
  timer,
  toArray,
  windowTime,
  type OperatorFunction,
} from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisItem,
} from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);
const kinesis = useTestKinesis();
const COUNT = 120;

type Item = KinesisItem<number>;

/** Handles a batch after a short wait: every item of it counts as processed only then. */
function handleBatch(ledger: ProcessedLedger, handled: Set<number>): OperatorFunction<Item[], Item> {
  return (batches) =>
    batches.pipe(
      concatMap((batch) =>
        timer(15).pipe(
          map(() => {
            for (const item of batch) {
              ledger.add(item.shardId, item.sequenceNumber);
              handled.add(item.data);
            }
            return batch;
          }),
        ),
      ),
      mergeMap((batch) => from(batch)),
    );
}

const shapes: ReadonlyArray<{ name: string; batch: OperatorFunction<Item, Item[]> }> = [
  { name: 'bufferTime(30, null, 7)', batch: bufferTime(30, null, 7) },
  {
    name: 'windowTime(40) + mergeMap(toArray())',
    batch: (items) =>
      items.pipe(
        windowTime(40),
        mergeMap((window) => window.pipe(toArray())),
      ),
  },
];

test.each(shapes)(
  '$name: a run stopped mid-stream and a restart handle every record, no write ahead',
  async ({ name, batch }) => {
    const streamName = uniqueStreamName(name.replace(/[^a-z]+/gi, '-'));
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    const written = await putRecords(client, streamName, numbers(COUNT));
    client.destroy();
    const ledger = new ProcessedLedger();
    const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
      snapshot: (shardId) => ledger.snapshot(shardId),
    });
    const handled = new Set<number>();
    const run = () => {
      const consumer = fromKinesis({
        streamName,
        ...pollingConnection(kinesis),
        recordLimit: 10,
        checkpointer,
      });
      const subscription = consumer
        .pipe(
          deserialize<number>(),
          batch,
          handleBatch(ledger, handled),
          checkpoint({ intervalMs: 20, batchSize: 5 }),
        )
        .subscribe({ error: (error: unknown) => errors.push(error) });
      return { consumer, subscription };
    };
    const errors: unknown[] = [];

    const first = run();
    await waitFor(() => handled.size >= COUNT / 3, {
      timeoutMs: 30_000,
      message: () => `${handled.size} handled in the first run`,
    });
    first.subscription.unsubscribe();
    await first.consumer.stopped();
    const afterFirst = handled.size;
    // Read 10 records per call per shard: the first run stopped with records left to read.
    expect(afterFirst).toBeLessThan(COUNT);

    const second = run();
    try {
      await waitFor(() => handled.size === COUNT, {
        timeoutMs: 40_000,
        message: () => `${handled.size} of ${COUNT} handled (${afterFirst} in the first run)`,
      });
    } finally {
      second.subscription.unsubscribe();
      await second.consumer.stopped();
    }
    expect(errors).toEqual([]);
    expect(checkpointer.writes.length).toBeGreaterThan(0);
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
    // The last position of each shard covers its last record (all of them were handled).
    for (const shardId of new Set(written.map((record) => record.shardId))) {
      const last = written.filter((record) => record.shardId === shardId).at(-1);
      expect(await checkpointer.getCheckpoint(streamName, shardId)).toEqual({
        kind: 'position',
        position: { sequenceNumber: last?.sequenceNumber },
      });
    }
  },
);
