// Case 2, resubscribing: `consumer.pipe(concatMap(work), checkpoint(), retry())` where the work
// fails once. The failure unsubscribes the pipeline (the consumer stops: it writes only what was
// finished and releases its lease); retry() subscribes again and the consumer resumes from the
// stored position. Every record is processed, and no position (nor a split parent's SHARD_END) is
// ever stored ahead of a record the work had not finished.
import { concatMap, map, retry, timer, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  splitShard,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

test('retry() after a failed handler resumes from the stored position: nothing lost, nothing stored early', async () => {
  const streamName = uniqueStreamName('retry-resubscribe');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(20));
  await splitShard(client, streamName);
  written.push(...(await putRecords(client, streamName, numbers(20, 20))));

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
  const failOn = written[7];
  let failed = 0;
  let subscription: Subscription | undefined;
  try {
    subscription = consumer
      .pipe(
        concatMap((record) =>
          timer(10).pipe(
            map(() => {
              if (failed === 0 && record.sequenceNumber === failOn?.sequenceNumber) {
                failed += 1;
                throw new Error('handler failed once');
              }
              ledger.add(record.shardId, record.sequenceNumber);
              return record;
            }),
          ),
        ),
        checkpoint({ batchSize: 3, intervalMs: 100 }),
        retry({ count: 2, delay: 200 }),
      )
      .subscribe();
    await waitFor(() => written.every((r) => ledger.has(r.shardId, r.sequenceNumber)), {
      timeoutMs: 45_000,
      message: () =>
        `processed ${written.filter((r) => ledger.has(r.shardId, r.sequenceNumber)).length} of ${written.length} records`,
    });
    expect(failed).toBe(1);
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
  expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
});
