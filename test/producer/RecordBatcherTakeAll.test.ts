// RecordBatcher.takeAll(): an aborted producer takes every item out of the batcher, whatever
// state its record is in, each exactly once, and the batcher keeps nothing.
import type { DigestSink, PendingDigest } from '../../src/processors/aggregators/deferredDigest.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { noneAggregator } from '../../src/processors/aggregators/noneAggregator.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { bytesSerializer } from '../../src/processors/serializers/bytesSerializer.js';
import type { BatchLimits } from '../../src/producer/BatchLimits.js';
import type { FlushGroup, QueuedItem } from '../../src/producer/OutgoingRecord.js';
import { RecordBatcher } from '../../src/producer/RecordBatcher.js';
import type { TakenRecord } from '../../src/producer/ShardLane.js';

const A = 'shardId-000000000000';
const B = 'shardId-000000000001';

const limits: BatchLimits = {
  batchSize: 500,
  maxRequestBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  recordsPerSecond: 1e9,
  bytesPerSecond: 1e9,
  preserveOrder: false,
};

const group: FlushGroup = { unsettled: 0 };

function item(index: number, bytes = 10): QueuedItem<Uint8Array> {
  const data = new Uint8Array(bytes).fill(index % 256);
  return {
    item: data,
    index,
    data,
    partitionKey: `k${index}`,
    explicitHashKey: undefined,
    size: bytes + `k${index}`.length,
    itemCount: 1,
    seq: index + 1,
    flushGroup: group,
  };
}

function indexes(records: readonly Pick<TakenRecord<Uint8Array>, 'items'>[]): number[] {
  const found: number[] = [];
  for (const { items } of records) for (let i = 0; i < items.length; i += 1) found.push(items.index(i));
  return found;
}

function expectEmpty(batcher: RecordBatcher<Uint8Array>): void {
  expect({
    lanes: batcher.lanes.size,
    unreleasedRecords: batcher.unreleasedRecords,
    unreleasedBytes: batcher.unreleasedBytes,
    openItems: batcher.openItems,
    callReady: batcher.callReady,
    idle: batcher.idle,
    next: batcher.nextBatch(Number.MAX_SAFE_INTEGER).records.length,
    again: batcher.takeAll().size,
  }).toEqual({
    lanes: 0,
    unreleasedRecords: 0,
    unreleasedBytes: 0,
    openItems: 0,
    callReady: false,
    idle: true,
    next: 0,
    again: 0,
  });
}

describe('RecordBatcher.takeAll()', () => {
  it('takes KPL records in back-off, waiting for their checksum and open, each item once', () => {
    // Every checksum is taken over and written only when the test says so.
    const pending: PendingDigest[] = [];
    const sink: DigestSink = () => {
      const digest = { done: false };
      pending.push(digest);
      return digest;
    };
    const batcher = new RecordBatcher<Uint8Array>(
      createProcessor('kpl-bytes', bytesSerializer(), kplAggregator()),
      limits,
      sink,
    );
    // Lane A: a record sent and failed (in back-off), a record released and held by its pending
    // checksum, and an open record. Lane B: a record held by its checksum, and an open record.
    batcher.add(item(0), A);
    batcher.releaseAll();
    batcher.add(item(1), A);
    batcher.add(item(4), B);
    batcher.releaseAll();
    expect(batcher.nextBatch(0).records).toEqual([]);
    pending[0]!.done = true;
    const sent = batcher.nextBatch(0).records;
    expect(indexes(sent)).toEqual([0]);
    sent[0]!.notBefore = 60_000;
    sent[0]!.attempts = 1;
    // Its attempt got no answer: it may be stored.
    sent[0]!.possibleDuplicate = true;
    batcher.requeue(sent);
    batcher.add(item(2), A);
    batcher.add(item(3), A);
    batcher.add(item(5), B);
    expect(batcher.nextBatch(1).records).toEqual([]);
    expect(batcher.openItems).toBe(3);

    const taken = batcher.takeAll();
    expect([...taken.keys()].sort()).toEqual([A, B]);
    // In the order they would have gone: back-off, closed, open.
    expect(taken.get(A)!.map((record) => indexes([record]))).toEqual([[0], [1], [2, 3]]);
    expect(taken.get(A)!.map((record) => record.possibleDuplicate)).toEqual([true, false, false]);
    expect(taken.get(B)!.map((record) => indexes([record]))).toEqual([[4], [5]]);
    expectEmpty(batcher);
  });

  it('takes one-item records (noneAggregator), released or not', () => {
    const batcher = new RecordBatcher<Uint8Array>(
      createProcessor('bytes', bytesSerializer(), noneAggregator()),
      { ...limits, batchSize: 2 },
    );
    for (let index = 0; index < 3; index += 1) batcher.add(item(index), index === 1 ? B : A);
    batcher.releaseClosed();
    for (let index = 3; index < 5; index += 1) batcher.add(item(index), A);
    expect(batcher.callReady).toBe(true);
    const taken = batcher.takeAll();
    expect(indexes(taken.get(A)!)).toEqual([0, 2, 3, 4]);
    expect(indexes(taken.get(B)!)).toEqual([1]);
    expectEmpty(batcher);
  });
});
