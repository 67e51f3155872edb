// Case: checkpoint({ mode: 'concurrent', process }) whose work completes synchronously for most
// records, over a backlog that queues behind one record still at work. When that one finished,
// the queued records' work used to be subscribed by recursion (RxJS mergeMap with a concurrency
// limit), one stack level per record: some hundreds of records overflowed the stack, and the
// pipeline errored with a RangeError or, where RxJS could not pass the error on, stopped without
// a word. The queued work now runs one after another on a flat stack.
import { Subject, tap, type Observable } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer, type KinesisRecord } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

/** Far more queued records than the default stack took by recursion (a few hundred). */
const RECORDS = 3000;

test('work that completes synchronously for thousands of queued records finishes them all', async () => {
  const streamName = uniqueStreamName('sync-work');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  try {
    const written = await putRecords(client, streamName, numbers(RECORDS));
    const first = written[0]?.sequenceNumber;
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      checkpointer: new MemoryCheckpointer(),
      maxQueueSize: 2 * RECORDS,
    });
    // The first record's work waits for the test; every other record's completes at once.
    const firstDone = new Subject<void>();
    const work = (record: KinesisRecord): Observable<unknown> | unknown[] =>
      record.sequenceNumber === first ? firstDone : [record];
    let emitted = 0;
    let passed = 0;
    let failure: unknown;
    let completed = false;
    const subscription = consumer
      .pipe(
        tap(() => (emitted += 1)),
        checkpoint({ mode: 'concurrent', process: work, concurrency: 1, intervalMs: 0 }),
      )
      .subscribe({
        next: () => (passed += 1),
        error: (error: unknown) => (failure = error),
        complete: () => (completed = true),
      });
    try {
      await waitFor(() => emitted === RECORDS || failure !== undefined, {
        timeoutMs: 60_000,
        message: () => `${emitted} of ${RECORDS} records emitted`,
      });
      expect(failure).toBeUndefined();
      expect(passed).toBe(0);
      // Everything queued behind the first record runs within this call.
      firstDone.complete();
      expect({ passed, failure, completed }).toEqual({
        passed: RECORDS,
        failure: undefined,
        completed: false,
      });
    } finally {
      subscription.unsubscribe();
      await consumer.stopped();
    }
  } finally {
    client.destroy();
  }
});
