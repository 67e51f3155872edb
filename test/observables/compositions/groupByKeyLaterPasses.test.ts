// Case: a checkpoint() per groupBy() group where one shard's records go to several groups open at
// once (groups by partition key), and a group passes a record while another open group that
// already passed records of the shard still works on an earlier one. Two passes used to go
// unchecked: a group's later passes (only its first pass in a shard was looked at), and a first
// pass right after a group that had since closed (only the checkpoint() that passed last was
// looked at, not the other ones still open). Both settled the shard up to them and wrote a
// position ahead of the record still at work; now both are refused with OutOfOrderCheckpointError
// before anything ahead of the work is settled.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { concatMap, finalize, groupBy, map, mergeMap, NEVER, timer } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  OutOfOrderCheckpointError,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  ProcessedLedger,
  waitFor,
  writesAheadOfProcessing,
  type WrittenRecord,
} from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

/** A record to write: its partition key (its group) and whether its work takes 2 s (else 10 ms). */
type Put = readonly [key: string, slow?: 'slow'];

/**
 * One shard; a checkpoint() per partition-key group after one-at-a-time work. Groups of the keys
 * in `closing` end 50 ms after they open (the others stay open). Each step writes its records in
 * one request and waits until the records written so far are processed and those groups closed,
 * or (last step) for an error or all of them.
 */
async function run(name: string, closing: readonly string[], steps: readonly (readonly Put[])[]) {
  const streamName = uniqueStreamName(name);
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const processed = new ProcessedLedger();
  const memory = new MemoryCheckpointer();
  const checkpointer = new SpyCheckpointer(memory, { snapshot: (shardId) => [processed.snapshot(shardId)] });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const closed = new Set<string>();
  let failure: unknown;
  const subscription = consumer
    .pipe(
      groupBy((record) => record.partitionKey, {
        duration: (group) => (closing.includes(group.key) ? timer(50) : NEVER),
      }),
      mergeMap((group) =>
        group.pipe(
          concatMap((record) =>
            timer(Buffer.from(record.data).toString() === 'slow' ? 2000 : 10).pipe(
              map(() => {
                processed.add(record.shardId, record.sequenceNumber);
                return record;
              }),
            ),
          ),
          checkpoint({ batchSize: 1, intervalMs: 0 }),
          finalize(() => closed.add(group.key)),
        ),
      ),
    )
    .subscribe({ error: (error) => (failure = error) });
  const written: WrittenRecord[] = [];
  try {
    for (const [index, step] of steps.entries()) {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: step.map(([key, slow]) => ({ PartitionKey: key, Data: Buffer.from(slow ?? 'fast') })),
        }),
      );
      for (const [i, entry] of (out.Records ?? []).entries())
        written.push({
          shardId: entry.ShardId ?? '',
          sequenceNumber: entry.SequenceNumber ?? '',
          data: step[i]?.[0] ?? '',
        });
      const last = index === steps.length - 1;
      await waitFor(
        () =>
          (last && failure !== undefined) ||
          (processed.size === written.length &&
            written.every((record) => last || !closing.includes(record.data) || closed.has(record.data))),
        {
          timeoutMs: 30_000,
          message: () => `step ${index}: ${processed.size} of ${written.length} processed`,
        },
      );
      if (!last) expect(failure).toBeUndefined();
    }
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
  return { failure, ahead: writesAheadOfProcessing(checkpointer.writes, written) };
}

test("a group's later pass while another open group still works on an earlier record is refused", async () => {
  const { failure, ahead } = await run(
    'key-groups-later-pass',
    [],
    // Each group passes a record first; then "a" gets a slow record and "b" the next one.
    [[['a']], [['b']], [['a', 'slow'], ['b']]],
  );
  expect(failure).toBeInstanceOf(OutOfOrderCheckpointError);
  expect(ahead).toEqual([]);
});

test('a first pass right after a group that closed, while another open group still works, is refused', async () => {
  const { failure, ahead } = await run(
    'key-groups-closed-last',
    ['c'],
    // "a" passes a record, then "c" (which closes at once); then "a" gets a slow record and a new
    // group "b" the next one: the checkpoint() that passed last is closed, "a"'s is not.
    [[['a']], [['c']], [['a', 'slow'], ['b']]],
  );
  expect(failure).toBeInstanceOf(OutOfOrderCheckpointError);
  expect(ahead).toEqual([]);
});
