// Case: per-shard groups (`groupBy((item) => item.record.shardId)` with `concatMap(work)` and a
// `checkpoint()` per group) in a batch job that ends after n items. After the groups, `take(n)`
// counts items done: each run commits them and the next resumes right after them. Before the
// groups (as the README says), the groups' checkpoint()s are made as records arrive and are known
// to the run only once they passed one: a run ended before any did stops at once and commits
// nothing, so the next run reads the same records again; nothing is lost or committed ahead.
import {
  concatMap,
  groupBy,
  lastValueFrom,
  map,
  mergeMap,
  take,
  timer,
  toArray,
  type OperatorFunction,
} from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisItem,
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

test('take(n) after per-shard groups: each run commits the n items done, the next resumes after them', async () => {
  const { streamName, written } = await stream('take-after-groups');
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const runs: Item[][] = [];
  for (let run = 0; run < 3; run += 1) {
    runs.push(await lastValueFrom(consumer.pipe(deserialize<number>(), perShard, take(6), toArray())));
    await consumer.stopped();
    const expected = lastPerShard(runs.flat());
    const positions = await stored(checkpointer, streamName, written);
    for (const shardId of Object.keys(expected)) expect(positions[shardId]).toBe(expected[shardId]);
  }
  const done = runs.flat().map((item) => item.data);
  expect(done).toHaveLength(18);
  expect(new Set(done).size).toBe(18);
});

test('take(n) before per-shard groups: a run ended before any group passed a record commits nothing; the next reads the same records', async () => {
  const { streamName, written } = await stream('take-before-groups');
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const first = await lastValueFrom(consumer.pipe(take(6), deserialize<number>(), perShard, toArray()));
  await consumer.stopped();
  expect(Object.values(await stored(checkpointer, streamName, written)).filter(Boolean)).toEqual([]);
  const second = await lastValueFrom(consumer.pipe(take(6), deserialize<number>(), perShard, toArray()));
  await consumer.stopped();
  const sorted = (items: readonly Item[]) => items.map((item) => item.data).sort((x, y) => x - y);
  expect(sorted(second)).toEqual(sorted(first));
});
