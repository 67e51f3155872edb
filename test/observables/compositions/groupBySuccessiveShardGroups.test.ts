// Case: a checkpoint() per groupBy() group where one shard's records go to two groups open at
// once: groupBy((r) => r.shardId, { duration: () => timer(ms) }) (a group ends while its
// concatMap is still at work, and the shard's next record opens a new group beside it) or
// groupBy on the partition key. The new group's first pass used to settle the shard up to it,
// the older group's queued records included, and a position ahead of them was written before the
// older group errored with OutOfOrderCheckpointError: a crash then, or the next run, skipped them.
// Now that first pass itself is refused with OutOfOrderCheckpointError, before anything ahead of
// the work is settled, and the next run reads every unprocessed record again.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { concatMap, groupBy, map, mergeMap, timer, type Observable } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  OutOfOrderCheckpointError,
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
  type WrittenRecord,
} from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

type Grouping = (records: Observable<KinesisRecord>, done: ProcessedLedger) => Observable<unknown>;

/** 30 ms of work per record, one after another in each group, then the group's checkpoint(). */
const work = (done: ProcessedLedger) =>
  concatMap((record: KinesisRecord) =>
    timer(30).pipe(
      map(() => {
        done.add(record.shardId, record.sequenceNumber);
        return record;
      }),
    ),
  );

async function run(name: string, grouping: Grouping) {
  const streamName = uniqueStreamName(name);
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const processed = new ProcessedLedger();
  const memory = new MemoryCheckpointer();
  const checkpointer = new SpyCheckpointer(memory, { snapshot: (shardId) => [processed.snapshot(shardId)] });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  let failure: unknown;
  const subscription = grouping(consumer, processed).subscribe({ error: (error) => (failure = error) });
  const written: WrittenRecord[] = [];
  try {
    // 8 records every 60 ms: 240 ms of work each time, so a group always has records queued.
    for (let i = 0; i < 15 && failure === undefined; i += 1) {
      written.push(...(await putRecords(client, streamName, numbers(8, i * 8))));
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await waitFor(() => failure !== undefined, {
      timeoutMs: 45_000,
      message: () => `no error; ${processed.size} of ${written.length} records processed`,
    });
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
  }
  // The next run (from the positions stored) gets every record the first one did not process.
  const next = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer: memory });
  const second = next
    .pipe(
      concatMap(async (record) => {
        processed.add(record.shardId, record.sequenceNumber);
        return record;
      }),
      checkpoint(),
    )
    .subscribe();
  try {
    await waitFor(() => written.every((r) => processed.has(r.shardId, r.sequenceNumber)), {
      timeoutMs: 45_000,
      message: () => `${processed.size} of ${written.length} records processed after the next run`,
    });
  } finally {
    second.unsubscribe();
    await next.stopped();
    client.destroy();
  }
  return { failure, ahead: writesAheadOfProcessing(checkpointer.writes, written) };
}

test('groups of one shard ended by a groupBy() duration while still at work: refused before any position ahead of them', async () => {
  const { failure, ahead } = await run('successive-groups', (records, done) =>
    records.pipe(
      groupBy((record) => record.shardId, { duration: () => timer(100) }),
      mergeMap((group) => group.pipe(work(done), checkpoint({ batchSize: 1, intervalMs: 0 }))),
    ),
  );
  expect(failure).toBeInstanceOf(OutOfOrderCheckpointError);
  expect((failure as Error).message).toContain('groupBy() duration');
  expect(ahead).toEqual([]);
});

test('groups by partition key: a group passing its first record while an earlier one waits in another group is refused', async () => {
  const streamName = uniqueStreamName('key-groups');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const processed = new ProcessedLedger();
  const memory = new MemoryCheckpointer();
  const checkpointer = new SpyCheckpointer(memory, { snapshot: (shardId) => [processed.snapshot(shardId)] });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  let failure: unknown;
  // Records of key "slow" take 1 s each, the others 10 ms.
  const subscription = consumer
    .pipe(
      groupBy((record) => record.partitionKey),
      mergeMap((group) =>
        group.pipe(
          concatMap((record) =>
            timer(record.partitionKey === 'slow' ? 1000 : 10).pipe(
              map(() => {
                processed.add(record.shardId, record.sequenceNumber);
                return record;
              }),
            ),
          ),
          checkpoint({ batchSize: 1, intervalMs: 0 }),
        ),
      ),
    )
    .subscribe({ error: (error) => (failure = error) });
  const put = async (keys: string[]): Promise<WrittenRecord[]> => {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: keys.map((key, i) => ({ PartitionKey: key, Data: Buffer.from(String(i)) })),
      }),
    );
    return (out.Records ?? []).map((entry, i) => ({
      shardId: entry.ShardId ?? '',
      sequenceNumber: entry.SequenceNumber ?? '',
      data: keys[i] as string,
    }));
  };
  try {
    // The slow group passes a record first, so its checkpoint() is known to the shard...
    const written = await put(['slow']);
    await waitFor(() => processed.size === 1, { timeoutMs: 30_000, message: () => 'first record' });
    // ...then gets another, and a fast group gets the next one while the slow one is at work.
    written.push(...(await put(['slow', 'fast'])));
    await waitFor(() => failure !== undefined || processed.size === 3, {
      timeoutMs: 30_000,
      message: () => `${processed.size} of 3 records processed`,
    });
    expect(failure).toBeInstanceOf(OutOfOrderCheckpointError);
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
});
