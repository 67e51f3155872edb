// Case: `deserialize(), work, map((item) => item.record), checkpoint()`. The items of an
// aggregated record (here JSON lines) reach checkpoint() as their whole record: the first one
// to get through used to commit the whole record while its later items were still at work (or
// never done), so a stop, crash or error after it lost them. checkpoint() now refuses a whole
// record that deserialize() split into several items on their way to it, before all of them
// passed: the pipeline errors with SplitRecordCheckpointError and nothing of the record is
// stored. A record handed on once all its items are done (items through an earlier checkpoint()
// in line, or items deserialized in a per-record inner pipeline) is still accepted.
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  concatMap,
  from,
  lastValueFrom,
  map,
  NEVER,
  of,
  take,
  toArray,
  type Observable,
  type Subscription,
} from 'rxjs';
import {
  checkpoint,
  checkpointFilter,
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  MemoryCheckpointer,
  SplitRecordCheckpointError,
  type KinesisItem,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';

async function put(client: KinesisClient, streamName: string, values: readonly number[]): Promise<string> {
  const out = await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: 'k',
      Data: Buffer.from(values.map((value) => `${JSON.stringify(value)}\n`).join('')),
    }),
  );
  return out.SequenceNumber as string;
}

/** A stream with one record of five JSON lines (0..4), then one of a single line (5). */
async function setup(name: string) {
  const streamName = uniqueStreamName(name);
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const split = await put(client, streamName, [0, 1, 2, 3, 4]);
  const single = await put(client, streamName, [5]);
  client.destroy();
  const checkpointer = new MemoryCheckpointer();
  const consumer = () =>
    fromKinesis({ streamName, ...pollingConnection(kinesis), processor: jsonLineProcessor(), checkpointer });
  const stored = () => checkpointer.getCheckpoint(streamName, SHARD);
  return { split, single, consumer, stored };
}

/** Work that finishes items 0 and 1 and never item 2. */
const workUpTo2 =
  (handled: number[]) =>
  (item: KinesisItem<number>): Observable<KinesisItem<number>> =>
    item.data === 2
      ? NEVER
      : from(Promise.resolve(item)).pipe(
          map((done) => {
            handled.push(done.data);
            return done;
          }),
        );

test('map((item) => item.record) before checkpoint(): the pipeline errors and nothing past the handled items is stored', async () => {
  const { split, consumer: start, stored } = await setup('split-record-map');
  const consumer = start();
  const handled: number[] = [];
  let failure: unknown;
  let subscription: Subscription | undefined;
  try {
    subscription = consumer
      .pipe(
        deserialize<number>(),
        concatMap(workUpTo2(handled)),
        map((item) => item.record),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe({ error: (error: unknown) => (failure = error) });
    await waitFor(() => failure !== undefined || handled.length === 2, {
      timeoutMs: 20_000,
      message: () => `handled ${handled.join(',')}`,
    });
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
  }
  const at = await stored();
  // Nothing of the record, or only a prefix of the items handled; never the whole record.
  if (at !== undefined) {
    expect(at.kind).toBe('position');
    if (at.kind === 'position') {
      expect(at.position.sequenceNumber).toBe(split);
      expect(at.position.subSequenceNumber).toBeLessThan(handled.length);
    }
  }
  expect(failure).toBeInstanceOf(SplitRecordCheckpointError);
  expect((failure as SplitRecordCheckpointError).context).toMatchObject({
    shardId: SHARD,
    sequenceNumber: split,
  });
  expect((failure as SplitRecordCheckpointError).subRecordCount).toBe(5);
  expect((failure as Error).message).toContain('item.record');

  // The next run reads the whole record again: item 2 was never done.
  const next = start();
  try {
    const items = await lastValueFrom(
      next.pipe(
        deserialize<number>(),
        checkpoint({ intervalMs: 0 }),
        map((item) => item.data),
        take(6),
        toArray(),
      ),
    );
    expect(items).toEqual([0, 1, 2, 3, 4, 5]);
  } finally {
    await next.stopped();
  }
});

test('a whole record after all its items passed an earlier checkpoint() in line, or dropped by checkpointFilter(), is accepted', async () => {
  const { single, consumer: start, stored } = await setup('split-record-after-items');
  const consumer = start();
  try {
    const records = await lastValueFrom(
      consumer.pipe(
        deserialize<number>(),
        checkpointFilter((item) => item.data !== 1 && item.data !== 3),
        checkpoint({ intervalMs: 0 }),
        // The last item of each record stands for the whole record.
        checkpointFilter((item) => item.subSequenceNumber === item.subRecordCount - 1),
        map((item) => item.record),
        checkpoint({ intervalMs: 0 }),
        take(2),
        toArray(),
      ),
    );
    expect(records.map((record) => record.data.byteLength)).toEqual([10, 2]);
  } finally {
    await consumer.stopped();
  }
  const at = await stored();
  expect(at).toEqual({ kind: 'position', position: { sequenceNumber: single } });
});

test('items deserialized in a per-record inner pipeline, then the record: accepted, every item handled first', async () => {
  const { single, consumer: start, stored } = await setup('split-record-inner');
  const consumer = start();
  const handled: number[] = [];
  try {
    await lastValueFrom(
      consumer.pipe(
        concatMap((record) =>
          of(record).pipe(
            deserialize<number>(),
            concatMap((item) => from(Promise.resolve(item))),
            map((item) => handled.push(item.data)),
            toArray(),
            map(() => record),
          ),
        ),
        checkpoint({ intervalMs: 0 }),
        take(2),
      ),
    );
  } finally {
    await consumer.stopped();
  }
  expect(handled).toEqual([0, 1, 2, 3, 4, 5]);
  expect(await stored()).toEqual({ kind: 'position', position: { sequenceNumber: single } });
});

test('checkpointFilter() dropping a whole record whose items are still at work errors the same way', async () => {
  const { split, consumer: start, stored } = await setup('split-record-filter');
  const consumer = start();
  const handled: number[] = [];
  let failure: unknown;
  let subscription: Subscription | undefined;
  try {
    subscription = consumer
      .pipe(
        deserialize<number>(),
        concatMap(workUpTo2(handled)),
        map((item) => item.record),
        checkpointFilter(() => false),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe({ error: (error: unknown) => (failure = error) });
    await waitFor(() => failure !== undefined || handled.length === 2, {
      timeoutMs: 20_000,
      message: () => `handled ${handled.join(',')}`,
    });
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
  }
  const at = await stored();
  if (at !== undefined) {
    expect(at.kind === 'position' && at.position).toMatchObject({ sequenceNumber: split });
    expect(at.kind === 'position' && at.position.subSequenceNumber).toBeLessThan(handled.length);
  }
  expect(failure).toBeInstanceOf(SplitRecordCheckpointError);
});

test('the same in concurrent mode: refused before its work starts, nothing stored', async () => {
  const { consumer: start, stored } = await setup('split-record-concurrent');
  const consumer = start();
  const started: string[] = [];
  try {
    await expect(
      lastValueFrom(
        consumer.pipe(
          deserialize<number>(),
          map((item) => item.record),
          checkpoint({
            mode: 'concurrent',
            process: (record) => {
              started.push(record.sequenceNumber);
              return from(Promise.resolve(record));
            },
            batchSize: 1,
            intervalMs: 0,
          }),
        ),
      ),
    ).rejects.toBeInstanceOf(SplitRecordCheckpointError);
  } finally {
    await consumer.stopped();
  }
  expect(started).toEqual([]);
  expect(await stored()).toBeUndefined();
});
