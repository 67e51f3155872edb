// Case: groupBy(shardId) with a checkpoint() per group (the KCL-like shape):
// `consumer.pipe(groupBy(r => r.shardId), mergeMap(g => g.pipe(concatMap(work), checkpoint())))`
// with a small maxQueueSize must process every record (no stall) and store each shard's position
// up to its last record, never ahead of processing. Once every record waited for every group's
// checkpoint(), and the consumer froze at 75 of 400 records with one shard never checkpointed.
import { concatMap, groupBy, map, mergeMap, timer, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

test('a checkpoint() per shard group processes all 400 records with maxQueueSize 50 and stores every shard', async () => {
  const streamName = uniqueStreamName('group-by-shard');
  await kinesis.createStream(streamName, 4);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(400), 64);
  const shardIds = [...new Set(written.map((r) => r.shardId))].sort();
  expect(shardIds).toHaveLength(4);

  const ledger = new ProcessedLedger();
  const memory = new MemoryCheckpointer();
  const checkpointer = new SpyCheckpointer(memory, { snapshot: (shardId) => ledger.snapshot(shardId) });
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    maxQueueSize: 50,
  });
  let subscription: Subscription | undefined;
  try {
    subscription = consumer
      .pipe(
        groupBy((record) => record.shardId),
        mergeMap((group) =>
          group.pipe(
            concatMap((record) =>
              timer(2).pipe(
                map(() => {
                  ledger.add(record.shardId, record.sequenceNumber);
                  return record;
                }),
              ),
            ),
            checkpoint({ batchSize: 10, intervalMs: 200 }),
          ),
        ),
      )
      .subscribe();
    await waitFor(() => ledger.size >= written.length, {
      timeoutMs: 30_000,
      message: () => `processed ${ledger.size} of ${written.length} records (stalled?)`,
    });
    // Each shard's position reaches its last record (written by count or by the 200 ms timer).
    const lastOf = (shardId: string) =>
      written.filter((r) => r.shardId === shardId).at(-1)?.sequenceNumber as string;
    const stored = async () =>
      Promise.all(
        shardIds.map(async (shardId) => {
          const checkpoint = await memory.getCheckpoint(streamName, shardId);
          return checkpoint?.kind === 'position' ? checkpoint.position.sequenceNumber : undefined;
        }),
      );
    let last: (string | undefined)[] = [];
    await waitFor(
      async () => {
        last = await stored();
        return last.every((sequenceNumber, i) => sequenceNumber === lastOf(shardIds[i] as string));
      },
      {
        timeoutMs: 20_000,
        message: () =>
          `stored positions ${JSON.stringify(last)}, expected ${JSON.stringify(shardIds.map(lastOf))}`,
      },
    );
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
});
