// Case: one fromKinesis() given no checkpointer, run several times (subscribe, take(n), stop,
// subscribe again). A run started by checkpoint(other) resumes from and commits to `other`; the
// consumer used to keep its first run's checkpointer for good, so that errored with
// CheckpointerConflictError although no run was going (also after a first run of a plain
// subscriber). A run started by retry() before checkpoint(cp) (the consumer resubscribed
// alone) keeps cp and tracks its records; it used to be untracked, so checkpoint(cp) errored
// with UntrackedRecordError.
import { lastValueFrom, retry, take, tap, toArray } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  type ShardCheckpoint,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { numbers, putRecords, type WrittenRecord } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';

async function setUp(name: string): Promise<{ streamName: string; written: WrittenRecord[] }> {
  const streamName = uniqueStreamName(name);
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  try {
    return { streamName, written: await putRecords(client, streamName, numbers(20)) };
  } finally {
    client.destroy();
  }
}

const stored = (checkpointer: MemoryCheckpointer, streamName: string): Promise<ShardCheckpoint | undefined> =>
  checkpointer.getCheckpoint(streamName, SHARD);
const sequences = (records: readonly KinesisRecord[]): string[] => records.map((r) => r.sequenceNumber);

test('a second run started by checkpoint(other) resumes from and commits to that checkpointer', async () => {
  const { streamName, written } = await setUp('checkpointer-per-run');
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis) });
  const first = new MemoryCheckpointer();
  const second = new MemoryCheckpointer();

  const run1 = await lastValueFrom(consumer.pipe(checkpoint(first), take(5), toArray()));
  await consumer.stopped();
  await first.close();
  expect(sequences(run1)).toEqual(written.slice(0, 5).map((r) => r.sequenceNumber));

  // Nothing stored in `second`: this run reads from TRIM_HORIZON again and commits there.
  const run2 = await lastValueFrom(consumer.pipe(checkpoint(second), take(3), toArray()));
  await consumer.stopped();
  expect(sequences(run2)).toEqual(written.slice(0, 3).map((r) => r.sequenceNumber));
  expect(await stored(second, streamName)).toEqual({
    kind: 'position',
    position: { sequenceNumber: written[2]?.sequenceNumber },
  });
});

test('a run started by a plain subscriber does not bind the next run: checkpoint(cp) then lends cp', async () => {
  const { streamName, written } = await setUp('checkpointer-after-plain');
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis) });
  await lastValueFrom(consumer.pipe(take(2), toArray()));
  await consumer.stopped();

  const lent = new MemoryCheckpointer();
  const run2 = await lastValueFrom(consumer.pipe(checkpoint(lent), take(4), toArray()));
  await consumer.stopped();
  expect(sequences(run2)).toEqual(written.slice(0, 4).map((r) => r.sequenceNumber));
  expect(await stored(lent, streamName)).toEqual({
    kind: 'position',
    position: { sequenceNumber: written[3]?.sequenceNumber },
  });
});

test('retry() before checkpoint(cp) resubscribes the consumer alone: the new run keeps cp and tracks its records', async () => {
  const { streamName, written } = await setUp('checkpointer-retry-before');
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis) });
  const lent = new MemoryCheckpointer();
  let failed = false;
  const seen = await lastValueFrom(
    consumer.pipe(
      tap((record) => {
        if (!failed && record.sequenceNumber === written[6]?.sequenceNumber) {
          failed = true;
          throw new Error('handler failed once');
        }
      }),
      retry(1),
      checkpoint(lent, { batchSize: 1, intervalMs: 0 }),
      take(10),
      toArray(),
    ),
  );
  await consumer.stopped();
  expect(failed).toBe(true);
  // The first run committed records 0..5 to cp; the second resumed there.
  expect(sequences(seen)).toEqual(
    [...written.slice(0, 6), ...written.slice(6, 10)].map((r) => r.sequenceNumber),
  );
  expect(await stored(lent, streamName)).toEqual({
    kind: 'position',
    position: { sequenceNumber: written[9]?.sequenceNumber },
  });
});
