// RecordBatcher.forgetLanes(): the lanes of gone shards are dropped only once they hold nothing,
// so a producer running through resharding cycles keeps lanes for the shards in use, and never
// loses a record of a lane still draining.
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { bytesSerializer } from '../../src/processors/serializers/bytesSerializer.js';
import type { BatchLimits } from '../../src/producer/BatchLimits.js';
import type { FlushGroup, QueuedItem } from '../../src/producer/OutgoingRecord.js';
import { RecordBatcher } from '../../src/producer/RecordBatcher.js';

const shard = (n: number) => `shardId-${String(n).padStart(12, '0')}`;
const [OPEN, WAITING, IN_CALL, RETRY, EMPTY, KEPT] = [0, 1, 2, 3, 4, 5].map(shard) as [
  string,
  string,
  string,
  string,
  string,
  string,
];

const limits: BatchLimits = {
  batchSize: 500,
  maxRequestBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  recordsPerSecond: 1e9,
  bytesPerSecond: 1e9,
  preserveOrder: false,
};

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

test('drops the lanes of gone shards that hold nothing, and keeps the others until they drain', () => {
  const batcher = new RecordBatcher<Uint8Array>(
    createProcessor('kpl-bytes', bytesSerializer(), kplAggregator()),
    limits,
  );
  // IN_CALL and RETRY: a record each taken into a call; RETRY's comes back to be sent again.
  batcher.add(item(2), IN_CALL);
  batcher.add(item(3), RETRY);
  batcher.releaseAll();
  const sent = batcher.nextBatch(0).records;
  expect(sent.map((record) => record.laneId).sort()).toEqual([IN_CALL, RETRY]);
  for (const record of sent) batcher.lane(record.laneId).inFlight += 1;
  const retried = sent.filter((record) => record.laneId === RETRY);
  batcher.lane(RETRY).inFlight -= 1;
  for (const record of retried) record.notBefore = 60_000;
  batcher.requeue(retried);
  // WAITING: a closed record waiting (not released); OPEN: an open record; EMPTY, KEPT: nothing.
  batcher.add(item(1), WAITING);
  batcher.releaseAll();
  batcher.add(item(0), OPEN);
  batcher.lane(EMPTY);
  batcher.lane(KEPT);
  expect(batcher.lanes.size).toBe(6);

  const gone = (shardId: string) => shardId !== KEPT;
  batcher.forgetLanes(gone);
  expect([...batcher.lanes.keys()].sort()).toEqual([OPEN, WAITING, IN_CALL, RETRY, KEPT]);
  expect(batcher.openItems).toBe(1);

  // The lanes drain: the call answers, the others are sent; then every gone lane is dropped.
  batcher.lane(IN_CALL).inFlight -= 1;
  batcher.releaseAll();
  const rest = batcher.nextBatch(60_000).records;
  expect(rest.map((record) => record.laneId).sort()).toEqual([OPEN, WAITING, RETRY]);
  batcher.forgetLanes(gone);
  expect([...batcher.lanes.keys()]).toEqual([KEPT]);
  expect(batcher.idle).toBe(true);
  // A lane made again for a dropped shard starts empty and works as any other.
  batcher.add(item(9), OPEN);
  batcher.releaseAll();
  expect(batcher.nextBatch(60_000).records.map((record) => record.laneId)).toEqual([OPEN]);
});
