// Case 2, resubscribing: `consumer.pipe(concatMap(work), checkpoint(), retry())` where the work
// fails once. The failure unsubscribes the pipeline (the consumer stops: it writes only what was
// finished and releases its lease); retry() subscribes again and the consumer resumes from the
// stored position. Every record is processed, and no position (nor a split parent's SHARD_END) is
// ever stored ahead of a record the work had not finished.
// The same by hand: a pipeline subscribed again from its own error callback (a failed handler),
// or from its complete callback (`checkpoint(), take(n)`), joins the run that is still going
// before the ended pipeline's unsubscription reaches the consumer. The records only the ended
// pipeline had received, unprocessed, must be read again for the new one: they used to be
// committed on the leaving pipeline's unsubscription and never processed by anyone.
import { concatMap, map, retry, take, timer, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer, type KinesisRecord } from '../../../src/index.js';
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

describe('a pipeline subscribed again from its own callback, before it is unsubscribed', () => {
  const setup = async (name: string) => {
    const streamName = uniqueStreamName(name);
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const written = await putRecords(client, streamName, numbers(20));
    client.destroy();
    const ledger = new ProcessedLedger();
    const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
      snapshot: (shardId) => ledger.snapshot(shardId),
    });
    const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    // Every record of the page is emitted at once and queued in concatMap before the work on the
    // first one is done.
    const work = concatMap((record: KinesisRecord) =>
      timer(5).pipe(
        map(() => {
          ledger.add(record.shardId, record.sequenceNumber);
          return record;
        }),
      ),
    );
    const processed = () => written.filter((r) => ledger.has(r.shardId, r.sequenceNumber)).length;
    return { written, ledger, checkpointer, consumer, work, processed };
  };

  test('from the error callback of a failed handler: every record processed, nothing stored early', async () => {
    const { written, checkpointer, consumer, work, processed } = await setup('resubscribe-on-error');
    const failOn = written[5]?.sequenceNumber;
    let failed = 0;
    const subscriptions: Subscription[] = [];
    const run = (): void => {
      subscriptions.push(
        consumer
          .pipe(
            map((record) => {
              if (failed === 0 && record.sequenceNumber === failOn) {
                failed += 1;
                throw new Error('handler failed once');
              }
              return record;
            }),
            work,
            checkpoint({ batchSize: 2, intervalMs: 50 }),
          )
          .subscribe({ error: run }),
      );
    };
    try {
      run();
      await waitFor(() => processed() === written.length, {
        timeoutMs: 20_000,
        message: () => `processed ${processed()} of ${written.length} records`,
      });
      expect(failed).toBe(1);
    } finally {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await consumer.stopped();
    }
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
  });

  test('from the complete callback after checkpoint(), take(n): the next run takes the next n records', async () => {
    const { written, checkpointer, consumer, work, processed } = await setup('resubscribe-on-complete');
    const subscriptions: Subscription[] = [];
    const taken: string[][] = [];
    const run = (): void => {
      const mine: string[] = [];
      taken.push(mine);
      subscriptions.push(
        consumer.pipe(work, checkpoint({ batchSize: 2, intervalMs: 50 }), take(5)).subscribe({
          next: (record) => mine.push(record.sequenceNumber),
          complete: () => {
            if (taken.length < 2) run();
          },
        }),
      );
    };
    try {
      run();
      await waitFor(() => taken.length === 2 && taken[1]?.length === 5, {
        timeoutMs: 20_000,
        message: () => `runs took ${taken.map((run) => run.length).join(', ')} records`,
      });
    } finally {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await consumer.stopped();
    }
    expect(taken).toEqual([
      written.slice(0, 5).map((r) => r.sequenceNumber),
      written.slice(5, 10).map((r) => r.sequenceNumber),
    ]);
    expect(processed()).toBeGreaterThanOrEqual(10);
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
    const last = checkpointer.writes.at(-1);
    expect(last?.position).toEqual({ sequenceNumber: written[9]?.sequenceNumber });
  });
});
