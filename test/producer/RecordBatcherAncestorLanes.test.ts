// RecordBatcher with preserveOrder after a resharding: a lane whose shard has an ancestor whose
// lane still holds records (in a call, or to send again after a back-off) sends nothing until that
// lane is empty; lanes of unrelated shards go on, and without preserveOrder nothing waits. The
// `unassigned` lane (no open shard of the map covered the key) goes after the closed shards' lanes
// and before the open ones'.
import { createProcessor } from '../../src/processors/Processor.js';
import { noneAggregator } from '../../src/processors/aggregators/noneAggregator.js';
import { bytesSerializer } from '../../src/processors/serializers/bytesSerializer.js';
import type { ShardLineage } from '../../src/producer/ancestorLanes.js';
import type { BatchLimits } from '../../src/producer/BatchLimits.js';
import type { FlushGroup, QueuedItem } from '../../src/producer/OutgoingRecord.js';
import { RecordBatcher } from '../../src/producer/RecordBatcher.js';
import { UNASSIGNED_SHARD } from '../../src/producer/ShardPredictor.js';

const shard = (n: number) => `shardId-${String(n).padStart(12, '0')}`;
// 0 split into 2 and 3; 3 merged with 1 into 4 (so 0 and 1 are 4's ancestors); 5 unrelated.
const [S0, S1, S2, S3, S4, S5] = [0, 1, 2, 3, 4, 5].map(shard) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const lineage: ShardLineage = {
  isOpen: (shardId) => [S2, S4, S5].includes(shardId),
  parentsOf: (shardId) =>
    (({ [S2]: [S0], [S3]: [S0], [S4]: [S3, S1] }) as Record<string, string[]>)[shardId] ?? [],
};

const limits = (preserveOrder: boolean): BatchLimits => ({
  batchSize: 500,
  maxRequestBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  recordsPerSecond: 1e9,
  bytesPerSecond: 1e9,
  preserveOrder,
});

const group: FlushGroup = { unsettled: 0 };

function item(index: number): QueuedItem<Uint8Array> {
  const data = new Uint8Array(10).fill(index);
  return {
    item: data,
    index,
    data,
    partitionKey: `k${index}`,
    explicitHashKey: undefined,
    size: 10 + `k${index}`.length,
    itemCount: 1,
    seq: index + 1,
    flushGroup: group,
  };
}

function batcherOf(preserveOrder: boolean): RecordBatcher<Uint8Array> {
  return new RecordBatcher<Uint8Array>(
    createProcessor('bytes', bytesSerializer(), noneAggregator()),
    limits(preserveOrder),
    undefined,
    lineage,
  );
}

const lanesOf = (batcher: RecordBatcher<Uint8Array>, now = 0) =>
  batcher
    .nextBatch(now)
    .records.map((record) => record.laneId)
    .sort();

test('with preserveOrder, children wait for every ancestor lane that holds records', () => {
  const batcher = batcherOf(true);
  // The parents' records: one in a call (S0), one to be sent again after a back-off (S1).
  batcher.add(item(0), S0);
  batcher.add(item(1), S1);
  batcher.releaseAll();
  const sent = batcher.nextBatch(0).records;
  expect(sent.map((record) => record.laneId).sort()).toEqual([S0, S1]);
  for (const record of sent) batcher.lane(record.laneId).inFlight += 1;
  const retried = sent.filter((record) => record.laneId === S1);
  batcher.lane(S1).inFlight -= 1;
  for (const record of retried) record.notBefore = 1_000;
  batcher.requeue(retried);
  // The children's records and an unrelated shard's.
  batcher.add(item(2), S2);
  batcher.add(item(3), S3);
  batcher.add(item(4), S4);
  batcher.add(item(5), S5);
  batcher.releaseAll();
  // S0's call is in flight: its children (S2, S3) and grandchild (S4) wait; S1 is in back-off.
  expect(lanesOf(batcher)).toEqual([S5]);
  // S0's call answered: S2 and S3 go; S4 still waits for S1's retry and S3's record in a call.
  batcher.lane(S0).inFlight -= 1;
  const children = batcher.nextBatch(0).records;
  expect(children.map((record) => record.laneId).sort()).toEqual([S2, S3]);
  for (const record of children) batcher.lane(record.laneId).inFlight += 1;
  batcher.lane(S2).inFlight -= 1;
  batcher.lane(S3).inFlight -= 1;
  expect(lanesOf(batcher, 1_000)).toEqual([S1]);
  batcher.lane(S1).inFlight += 1;
  expect(lanesOf(batcher, 1_000)).toEqual([]);
  batcher.lane(S1).inFlight -= 1;
  expect(lanesOf(batcher, 1_000)).toEqual([S4]);
});

test('without preserveOrder nothing waits for an ancestor', () => {
  const batcher = batcherOf(false);
  batcher.add(item(0), S0);
  batcher.releaseAll();
  const sent = batcher.nextBatch(0).records;
  for (const record of sent) batcher.lane(record.laneId).inFlight += 1;
  batcher.add(item(2), S2);
  batcher.add(item(4), S4);
  batcher.releaseAll();
  expect(lanesOf(batcher)).toEqual([S2, S4]);
});

test('with preserveOrder, the unassigned lane goes after the closed lanes and before the open ones', () => {
  const batcher = batcherOf(true);
  // A record of the closed S0 in a call.
  batcher.add(item(0), S0);
  batcher.releaseAll();
  const sent = batcher.nextBatch(0).records;
  expect(sent.map((record) => record.laneId)).toEqual([S0]);
  batcher.lane(S0).inFlight += 1;
  // A record whose hash key no open shard covered, then records of S0's child and of an open,
  // unrelated shard: either may hold a later item of the unassigned record's key.
  batcher.add(item(1), UNASSIGNED_SHARD);
  batcher.add(item(2), S2);
  batcher.add(item(5), S5);
  batcher.releaseAll();
  expect(lanesOf(batcher)).toEqual([]);
  // S0's call answered: the unassigned record goes alone.
  batcher.lane(S0).inFlight -= 1;
  expect(lanesOf(batcher)).toEqual([UNASSIGNED_SHARD]);
  batcher.lane(UNASSIGNED_SHARD).inFlight += 1;
  expect(lanesOf(batcher)).toEqual([]);
  // Its call answered: the open shards' records go.
  batcher.lane(UNASSIGNED_SHARD).inFlight -= 1;
  expect(lanesOf(batcher)).toEqual([S2, S5]);
});

test('with preserveOrder and no closed lane, the open lanes wait for the unassigned lane only while it holds records', () => {
  const batcher = batcherOf(true);
  batcher.add(item(1), UNASSIGNED_SHARD);
  batcher.add(item(5), S5);
  batcher.releaseAll();
  expect(lanesOf(batcher)).toEqual([UNASSIGNED_SHARD]);
  // Its record is out of the lane (answered): both of S5's records go.
  batcher.add(item(6), S5);
  batcher.releaseAll();
  expect(lanesOf(batcher)).toEqual([S5, S5]);
});
