// Case: a checkpoint() pipeline that subscribes to an already-running consumer must never commit
// past records it never saw. A tap through observe() starts nothing and holds nothing, so a
// pipeline subscribing after its async init still reads from the start; a second checkpointed
// pipeline joining late gets only the records emitted from then on, and a position is committed
// only once every pipeline that received a record finished it; when the first pipeline leaves
// (while the late one stays) with records only it had received, those are read again for the
// late one rather than committed unprocessed; and a checkpoint() on a consumer
// that does not track (no checkpointer in its options) errors instead of committing.
import { concatMap, firstValueFrom, from, map, take, timer, toArray, type Subscription } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  UntrackedRecordError,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

const connection = () => pollingConnection(kinesis);
const text = (record: KinesisRecord) => Buffer.from(record.data).toString();

test('a tap through observe() first, the checkpointed pipeline after its async init: every record is processed, nothing stored ahead', async () => {
  const streamName = uniqueStreamName('late-pipeline');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(50));
  client.destroy();
  const processed = new ProcessedLedger();
  const spy = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => processed.snapshot(shardId),
  });
  const consumer = fromKinesis({ streamName, ...connection(), checkpointer: spy });
  const tapped: string[] = [];
  const tap = consumer.observe().subscribe((record) => tapped.push(text(record)));
  // The pipeline subscribes after an asynchronous init; the tap alone started nothing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(consumer.stats().running).toBe(false);
  const records = await firstValueFrom(
    consumer.pipe(
      concatMap((record) => timer(2).pipe(map(() => record))),
      map((record) => {
        processed.add(record.shardId, record.sequenceNumber);
        return record;
      }),
      checkpoint({ batchSize: 5 }),
      take(50),
      toArray(),
    ),
  );
  await consumer.stopped();
  tap.unsubscribe();
  expect(records.map(text)).toEqual(numbers(50));
  expect(tapped).toEqual(numbers(50));
  expect(spy.writes.length).toBeGreaterThan(0);
  expect(writesAheadOfProcessing(spy.writes, written)).toEqual([]);
});

test('a second checkpointed pipeline joining late never gets positions committed past the first one', async () => {
  const streamName = uniqueStreamName('late-second');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const first = new ProcessedLedger();
  const second = new ProcessedLedger();
  const spy = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => first.snapshot(shardId),
  });
  const consumer = fromKinesis({ streamName, ...connection(), checkpointer: spy });
  const subscriptions: Subscription[] = [];
  try {
    // Pipeline A: slow (20 ms per record).
    subscriptions.push(
      consumer
        .pipe(
          concatMap((record) => timer(20).pipe(map(() => record))),
          map((record) => {
            first.add(record.shardId, record.sequenceNumber);
            return record;
          }),
          checkpoint({ batchSize: 1 }),
        )
        .subscribe(),
    );
    const written = await putRecords(client, streamName, numbers(40));
    await waitFor(() => first.size >= 5, { timeoutMs: 30_000, message: () => `A processed ${first.size}` });
    // Pipeline B joins late and is fast: it passes everything it gets at once.
    subscriptions.push(
      consumer
        .pipe(
          map((record) => {
            second.add(record.shardId, record.sequenceNumber);
            return record;
          }),
          checkpoint({ batchSize: 1 }),
        )
        .subscribe(),
    );
    written.push(...(await putRecords(client, streamName, numbers(20, 40))));
    await waitFor(() => first.size === 60, {
      timeoutMs: 30_000,
      message: () => `A processed ${first.size} of 60`,
    });
    // B saw only what was emitted after it joined, and every write waited for A.
    expect(second.size).toBeGreaterThanOrEqual(20);
    expect(second.size).toBeLessThan(60);
    expect(writesAheadOfProcessing(spy.writes, written)).toEqual([]);
    await waitFor(
      () =>
        spy.writes.some(
          (w) => w.position !== 'SHARD_END' && w.position.sequenceNumber === written.at(-1)?.sequenceNumber,
        ),
      {
        timeoutMs: 10_000,
        message: () => 'the last record was never committed',
      },
    );
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
});

test('the first pipeline leaves with records the late one never received: they are read again for it, not committed', async () => {
  const streamName = uniqueStreamName('late-first-leaves');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(20));
  client.destroy();
  const processed = new ProcessedLedger();
  const spy = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => processed.snapshot(shardId),
  });
  const consumer = fromKinesis({ streamName, ...connection(), checkpointer: spy });
  const pipeline = (ms: number) =>
    consumer.pipe(
      concatMap((record) => timer(ms).pipe(map(() => record))),
      map((record) => {
        processed.add(record.shardId, record.sequenceNumber);
        return record;
      }),
      checkpoint({ batchSize: 1, intervalMs: 50 }),
    );
  // A gets the whole page at once and works through it slowly.
  const first = pipeline(50).subscribe();
  let late: Subscription | undefined;
  try {
    await waitFor(() => processed.size >= 2, {
      timeoutMs: 30_000,
      message: () => `A processed ${processed.size}`,
    });
    // B joins once the records were emitted (it gets none of them); then A leaves.
    late = pipeline(1).subscribe();
    first.unsubscribe();
    await waitFor(() => written.every((r) => processed.has(r.shardId, r.sequenceNumber)), {
      timeoutMs: 20_000,
      message: () => `processed ${processed.size} of ${written.length} records`,
    });
  } finally {
    first.unsubscribe();
    late?.unsubscribe();
    await consumer.stopped();
  }
  expect(writesAheadOfProcessing(spy.writes, written)).toEqual([]);
});

test('checkpoint() on a consumer that does not track errors with UntrackedRecordError and stores nothing', async () => {
  const streamName = uniqueStreamName('untracked');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putRecords(client, streamName, numbers(10));
  const consumer = fromKinesis({ streamName, ...connection() });
  // A plain subscriber starts the consumer without a checkpointer: it does not track.
  const seen: string[] = [];
  const plain = consumer.subscribe((record) => seen.push(text(record)));
  await waitFor(() => seen.length > 0, { timeoutMs: 30_000, message: () => 'nothing read' });
  const late = firstValueFrom(
    from(Promise.resolve()).pipe(concatMap(() => consumer.pipe(checkpoint(), take(1)))),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  await putRecords(client, streamName, numbers(5, 10));
  await expect(late).rejects.toBeInstanceOf(UntrackedRecordError);
  await expect(late).rejects.toMatchObject({ origin: 'untracked-consumer' });
  client.destroy();
  plain.unsubscribe();
  await consumer.stopped();
  expect(consumer.stats().shards.every((shard) => shard.checkpoint === undefined)).toBe(true);
});
