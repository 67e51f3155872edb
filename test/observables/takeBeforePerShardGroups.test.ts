// Case: the per-shard pipeline the README calls safe (`groupBy((item) => item.record.shardId)`
// with `concatMap(work)` and a `checkpoint()` per group) behind an operator that ends the
// consumer's subscription before the work is done (`take(n)` for a batch job, `takeUntil(shutdown$)`
// for a graceful shutdown). The groups' checkpoint()s are subscribed while records are delivered,
// so none of them has passed a record when the subscription ends. The records taken must still
// be committed before the run stops: each run resumes right after the records the last one took.
// Once, the run stopped at once (no checkpoint() of the pipeline known yet) and gave them up:
// every run read the same first records again and nothing was ever stored.
import {
  concatMap,
  groupBy,
  lastValueFrom,
  map,
  mergeMap,
  Subject,
  take,
  takeUntil,
  tap,
  timer,
  toArray,
  type Observable,
  type OperatorFunction,
} from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisItem,
  type KinesisRecord,
} from '../../src/index.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { pollingConnection } from '../support/pollingConnection.js';
import { numbers, putRecords, type WrittenRecord } from '../support/streamRecords.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(120_000);
const kinesis = useTestKinesis();

type Item = KinesisItem<number>;

/** One group per shard, its items worked on one after another, then checkpointed. */
const perShard: OperatorFunction<Item, Item> = (items) =>
  items.pipe(
    groupBy((item) => item.record.shardId),
    mergeMap((shard) =>
      shard.pipe(
        concatMap((item) => timer(20).pipe(map(() => item))),
        checkpoint(),
      ),
    ),
  );

async function stream(name: string): Promise<{ streamName: string; written: WrittenRecord[] }> {
  const streamName = uniqueStreamName(name);
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(40));
  client.destroy();
  return { streamName, written };
}

/** What is stored per shard, as the data of the record it points at. */
async function stored(
  checkpointer: MemoryCheckpointer,
  streamName: string,
  written: readonly WrittenRecord[],
): Promise<Record<string, string | undefined>> {
  const result: Record<string, string | undefined> = {};
  for (const shardId of new Set(written.map((record) => record.shardId))) {
    const checkpoint = await checkpointer.getCheckpoint(streamName, shardId);
    result[shardId] =
      checkpoint?.kind === 'position'
        ? written.find((record) => record.sequenceNumber === checkpoint.position.sequenceNumber)?.data
        : undefined;
  }
  return result;
}

/** The data last handled per shard (what the stored positions must point at). */
function lastPerShard(items: readonly Item[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items) result[item.record.shardId] = String(item.data);
  return result;
}

test('take(n) before per-shard groups: each run commits the records it took, the next resumes after them', async () => {
  const { streamName, written } = await stream('take-before-groups');
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const runs: Item[][] = [];
  for (let run = 0; run < 3; run += 1) {
    runs.push(await lastValueFrom(consumer.pipe(take(6), deserialize<number>(), perShard, toArray())));
    await consumer.stopped();
    const expected = lastPerShard(runs.flat());
    const positions = await stored(checkpointer, streamName, written);
    for (const shardId of Object.keys(expected)) expect(positions[shardId]).toBe(expected[shardId]);
  }
  const handled = runs.flat().map((item) => item.data);
  expect(handled).toHaveLength(18);
  expect(new Set(handled).size).toBe(18);
});

test('takeUntil(shutdown$) before per-shard groups: the records drained at the shutdown are committed', async () => {
  const { streamName, written } = await stream('shutdown-before-groups');
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const shutdown = new Subject<void>();
  let delivered = 0;
  // The shutdown comes as the fifth record arrives (that one is not let through), while the first
  // ones are still at work.
  const untilShutdown = (records: Observable<KinesisRecord>): Observable<KinesisRecord> =>
    records.pipe(
      takeUntil(shutdown),
      tap(() => {
        delivered += 1;
        if (delivered === 5) shutdown.next();
      }),
    );
  const drained = await lastValueFrom(
    consumer.pipe(untilShutdown, deserialize<number>(), perShard, toArray()),
  );
  await consumer.stopped();
  expect(drained.map((item) => item.data)).toHaveLength(4);
  const expected = lastPerShard(drained);
  const positions = await stored(checkpointer, streamName, written);
  for (const shardId of Object.keys(expected)) expect(positions[shardId]).toBe(expected[shardId]);

  // A restart handles none of them again.
  const next = await lastValueFrom(consumer.pipe(take(5), deserialize<number>(), perShard, toArray()));
  await consumer.stopped();
  const again = next.map((item) => item.data).filter((data) => drained.some((item) => item.data === data));
  expect(again).toEqual([]);
});
