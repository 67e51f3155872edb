// Case: one checkpoint() that outlives many runs of its consumer: `take(n), repeat()` (or
// retry()) before the work resubscribes the consumer alone, so each run has a subscriber (a
// ledger) of its own while the checkpoint() stays subscribed. The checkpoint() kept every run's
// ledger until it was torn down itself: a batch job walking a stream n records at a time grew
// without bound. A ledger whose run ended is now forgotten by the checkpoint()s it met.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { concatMap, map, repeat, take, tap, timer, type Subscription } from 'rxjs';
import { RECORD_HANDLE } from '../../../src/consumer/RecordTracking.js';
import { checkpoint, fromKinesis, MemoryCheckpointer, type KinesisRecord } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

/** Runs a full garbage collection (the flag can be set at run time; `gc` is then found in a new context). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

test('take(3), repeat() before the work: the runs that ended are not kept by the checkpoint()', async () => {
  const streamName = uniqueStreamName('repeat-runs-memory');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putRecords(client, streamName, numbers(120));
  client.destroy();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer: new MemoryCheckpointer(),
  });
  // Each run's ledger, as its records carry it (internal: what the checkpoint() could keep).
  const ledgers: WeakRef<object>[] = [];
  const seen = new WeakSet<object>();
  let passed = 0;
  const subscription: Subscription = consumer
    .pipe(
      take(3),
      repeat(),
      tap((record: KinesisRecord) => {
        const ledger = (record as unknown as Record<symbol, { ledger?: object } | undefined>)[RECORD_HANDLE]
          ?.ledger;
        if (ledger === undefined || seen.has(ledger)) return;
        seen.add(ledger);
        ledgers.push(new WeakRef(ledger));
      }),
      concatMap((record) => timer(1).pipe(map(() => record))),
      checkpoint({ batchSize: 1, intervalMs: 0 }),
      tap(() => (passed += 1)),
    )
    .subscribe();
  try {
    await waitFor(() => passed >= 120, {
      timeoutMs: 90_000,
      message: () => `${passed} of 120 records passed`,
    });
    // The last run ends (its records passed) and stops.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 3; i += 1) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ledgers.length).toBe(40);
    // The run still going (and one stopping) may be kept; not the 38 before them.
    expect(ledgers.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(3);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
  }
});
