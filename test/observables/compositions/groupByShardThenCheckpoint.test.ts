// Case: a checkpoint() per shard group (groupBy(shardId), no duration), a filter() before it in the
// group, and the groups merged back into one more checkpoint() after them. Safe: the last
// checkpoint() only gets what a group's checkpoint() passed on. It must not be taken for a
// checkpoint() beside the group's (a shard split across groups): the group's pass after a record
// its filter() dropped (settled by that pass) must not be refused with OutOfOrderCheckpointError.
import { concatMap, filter, groupBy, map, mergeMap, timer } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer } from '../../../src/index.js';
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

test('a checkpoint() per shard group and one after the merged groups: no error, every shard stored to its end', async () => {
  const streamName = uniqueStreamName('group-then-checkpoint');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  const processed = new ProcessedLedger();
  const memory = new MemoryCheckpointer();
  const checkpointer = new SpyCheckpointer(memory, { snapshot: (shardId) => processed.snapshot(shardId) });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  let failure: unknown;
  const subscription = consumer
    .pipe(
      groupBy((record) => record.shardId),
      mergeMap((group) =>
        group.pipe(
          concatMap((record) =>
            timer(5).pipe(
              map(() => {
                processed.add(record.shardId, record.sequenceNumber);
                return record;
              }),
            ),
          ),
          // Every third record is left out (done, and settled by the group's next pass).
          filter((record) => Number(Buffer.from(record.data).toString()) % 3 !== 0),
          checkpoint({ batchSize: 1, intervalMs: 0 }),
        ),
      ),
      checkpoint({ batchSize: 1, intervalMs: 0 }),
    )
    .subscribe({ error: (error) => (failure = error) });
  try {
    const written = await putRecords(client, streamName, numbers(60));
    const lastOf = new Map(written.map((record) => [record.shardId, record.sequenceNumber]));
    // The last record of a shard may be one left out: the stored position then stays before it.
    const storedEnough = async () => {
      for (const [shardId, sequenceNumber] of lastOf) {
        const stored = await memory.getCheckpoint(streamName, shardId);
        if (stored?.kind !== 'position') return false;
        const kept = written.filter(
          (r) =>
            r.shardId === shardId &&
            Number(r.data) % 3 !== 0 &&
            BigInt(r.sequenceNumber) <= BigInt(sequenceNumber),
        );
        if (stored.position.sequenceNumber !== kept.at(-1)?.sequenceNumber) return false;
      }
      return true;
    };
    await waitFor(
      async () => failure !== undefined || (processed.size === written.length && (await storedEnough())),
      {
        timeoutMs: 30_000,
        message: () => `${processed.size} of ${written.length} records processed`,
      },
    );
    expect(failure).toBeUndefined();
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
});
