// Case: `mergeMap` with concurrency before an ordered checkpoint(). Work that completes out of
// order used to let a later record's position be committed while an earlier record was still
// being processed (a crash then lost it); the pipeline now errors with OutOfOrderCheckpointError.
// The same work in checkpoint({ mode: 'concurrent', process }) finishes every record and never
// stores a position ahead of it.
import { map, mergeMap, timer } from 'rxjs';
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
} from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

/** The first record takes longest: the later ones complete before it. */
const delayOf = (record: KinesisRecord, first: string): number =>
  record.sequenceNumber === first ? 300 : 10;

async function run(mode: 'ordered' | 'concurrent') {
  const streamName = uniqueStreamName(`merge-${mode}`);
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(10));
  const first = written[0]!.sequenceNumber;
  const processed = new ProcessedLedger();
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => [processed.snapshot(shardId)],
  });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const work = (record: KinesisRecord) =>
    timer(delayOf(record, first)).pipe(
      map(() => {
        processed.add(record.shardId, record.sequenceNumber);
        return record;
      }),
    );
  let failure: unknown;
  const pipeline =
    mode === 'ordered'
      ? consumer.pipe(mergeMap(work, 4), checkpoint({ batchSize: 1, intervalMs: 0 }))
      : consumer.pipe(
          checkpoint({ mode: 'concurrent', process: work, concurrency: 4, batchSize: 1, intervalMs: 0 }),
        );
  const subscription = pipeline.subscribe({ error: (error: unknown) => (failure = error) });
  try {
    await waitFor(() => failure !== undefined || processed.size === 10, {
      timeoutMs: 45_000,
      message: () => `processed ${processed.size} of 10 records`,
    });
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
  return { failure, writes: checkpointer.writes, written, first };
}

test('ordered checkpoint() after mergeMap: a record completing late errors with OutOfOrderCheckpointError', async () => {
  const { failure, first } = await run('ordered');
  expect(failure).toBeInstanceOf(OutOfOrderCheckpointError);
  expect((failure as OutOfOrderCheckpointError).context).toMatchObject({
    shardId: 'shardId-000000000000',
    sequenceNumber: first,
  });
});

test('the same work in concurrent mode: every record processed, no position stored ahead of it', async () => {
  const { failure, writes, written } = await run('concurrent');
  expect(failure).toBeUndefined();
  expect(writes.length).toBeGreaterThan(0);
  expect(writesAheadOfProcessing(writes, written)).toEqual([]);
});
