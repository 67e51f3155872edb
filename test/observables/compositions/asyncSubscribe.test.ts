// Case: subscribing asynchronously. `fromKinesis({ checkpointer }).pipe(subscribeOn(asyncScheduler),
// concatMap(work), checkpoint())` and `from(init()).pipe(switchMap(() => consumer$), concatMap(work),
// checkpoint())` must track every record from the first emission: no position (and no SHARD_END of
// a split parent) is stored ahead of a record the work has not finished, and no child record is
// emitted before every record of its parent was processed. Once records emitted before the first
// one reached checkpoint() were untracked, and the parent's SHARD_END was written while most of its
// records were still queued in concatMap (a crash then lost them).
import {
  asyncScheduler,
  concatMap,
  from,
  map,
  subscribeOn,
  switchMap,
  tap,
  timer,
  type Observable,
  type Subscription,
} from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer, type KinesisRecord } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  splitShard,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

const PARENT = 'shardId-000000000000';

const compositions: Record<string, (consumer: Observable<KinesisRecord>) => Observable<KinesisRecord>> = {
  'subscribeOn(asyncScheduler)': (consumer) => consumer.pipe(subscribeOn(asyncScheduler)),
  'switchMap after an async init': (consumer) =>
    from(new Promise<void>((resolve) => setTimeout(resolve, 10))).pipe(switchMap(() => consumer)),
};

test.each(Object.keys(compositions))(
  'with %s, nothing is stored ahead of processing and children wait for their parent',
  async (name) => {
    const compose = compositions[name] as (c: Observable<KinesisRecord>) => Observable<KinesisRecord>;
    const streamName = uniqueStreamName('async-subscribe');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const written = await putRecords(client, streamName, numbers(20));
    await splitShard(client, streamName);
    written.push(...(await putRecords(client, streamName, numbers(20, 20))));
    const parentRecords = written.filter((r) => r.shardId === PARENT);
    expect(parentRecords).toHaveLength(20);

    const ledger = new ProcessedLedger();
    const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
      snapshot: (shardId) => ledger.snapshot(shardId),
    });
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      checkpointer,
      shardRefreshInterval: 200,
    });
    // For each child record: how many parent records were not yet processed when it was emitted.
    const childEmittedEarly: string[] = [];
    let subscription: Subscription | undefined;
    try {
      subscription = compose(consumer)
        .pipe(
          tap((record) => {
            if (record.shardId === PARENT) return;
            const pending = parentRecords.filter((r) => !ledger.has(PARENT, r.sequenceNumber)).length;
            if (pending > 0)
              childEmittedEarly.push(`${record.shardId} emitted with ${pending} parent records unprocessed`);
          }),
          concatMap((record) =>
            timer(25).pipe(
              map(() => {
                ledger.add(record.shardId, record.sequenceNumber);
                return record;
              }),
            ),
          ),
          checkpoint({ batchSize: 5, intervalMs: 100 }),
        )
        .subscribe();
      await waitFor(() => ledger.size >= written.length, {
        timeoutMs: 30_000,
        message: () => `processed ${ledger.size} of ${written.length} records`,
      });
      expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
      expect(childEmittedEarly).toEqual([]);
      // The parent's end was recorded once its records were done.
      expect(await checkpointer.getCheckpoint(streamName, PARENT)).toEqual({ kind: 'shard-end' });
    } finally {
      subscription?.unsubscribe();
      await consumer.stopped();
      client.destroy();
    }
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
  },
);
