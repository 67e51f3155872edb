// Case: a pipeline unsubscribed from inside the consumer's own `checkpoint-written` event (the
// write under way is the one reporting), and the same consumer subscribed again right there. The
// first run stops once that write and its lease release are done; the second run starts only
// then and resumes right after the records the first one passed: nothing skipped, nothing read
// twice, no hang.
import { concatMap, lastValueFrom, map, take, timer, toArray, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer, type KinesisRecord } from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { numbers, putRecords, waitFor } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';

test('unsubscribe and subscribe again inside checkpoint-written: the new run resumes right after the passed records', async () => {
  const streamName = uniqueStreamName('unsubscribe-in-event');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const sequences = (await putRecords(client, streamName, numbers(30))).map((r) => r.sequenceNumber);
  client.destroy();
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const first: string[] = [];
  let second: Promise<string[]> | undefined;
  let subscription: Subscription | undefined;
  const events = consumer.events$.subscribe((event) => {
    if (event.type !== 'checkpoint-written' || second !== undefined) return;
    subscription?.unsubscribe();
    // The rest of the stream, from where the first run stopped.
    second = lastValueFrom(
      consumer.pipe(
        checkpoint({ intervalMs: 0 }),
        take(30 - first.length),
        map((record: KinesisRecord) => record.sequenceNumber),
        toArray(),
      ),
    );
  });
  try {
    // A write after every record: the first write's event ends the first run.
    subscription = consumer
      .pipe(
        concatMap((record) => timer(10).pipe(map(() => record))),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe((record) => first.push(record.sequenceNumber));
    await waitFor(() => second !== undefined, { timeoutMs: 30_000, message: () => 'no checkpoint written' });
    const rest = await second;
    await consumer.stopped();
    // The first run passed `first` (a page is emitted at once); the second resumes right after.
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(30);
    expect([...first, ...(rest ?? [])]).toEqual(sequences);
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: sequences[29] },
    });
  } finally {
    events.unsubscribe();
    subscription?.unsubscribe();
    await consumer.stopped();
  }
});
