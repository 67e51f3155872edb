// A KPL record stored outside the shard it was aggregated for has its items sent again, each in
// a record of its own key. An item whose data begin with the KPL magic goes as a one-item
// aggregated record; when that record would be larger than maxRecordBytes (its own partition key
// is longer than the aggregate's), no item is sent again: the record is kept as delivered, as it
// was stored, and nothing is reported twice.
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { hasKplMagic } from '../../src/processors/aggregators/kplFormat.js';
import { MispredictedAggregates } from '../../src/producer/MispredictedAggregates.js';
import type { FlushGroup, OutgoingRecord, QueuedItem } from '../../src/producer/OutgoingRecord.js';
import type { SendResult } from '../../src/producer/PutRecordsSender.js';
import { PackedItems } from '../../src/producer/RecordItems.js';

const MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const LOW = '1';
const HIGH = (2n ** 128n - 2n).toString();

interface Part {
  readonly item: string;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey: string;
}

/** A two-item aggregate of `parts`, stored in `shardId` though aggregated for `shardId-parent`. */
function deliveredAggregate(parts: readonly Part[]): { result: SendResult<string>; size: number } {
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  for (const part of parts) {
    expect(
      accumulator.add({
        data: part.data,
        partitionKey: part.partitionKey,
        explicitHashKey: part.explicitHashKey,
      }),
    ).toBeUndefined();
  }
  const record = accumulator.flush()!;
  expect(record.itemCount).toBe(parts.length);
  const group: FlushGroup = { unsettled: parts.length };
  const items = new PackedItems<string>(parts.length);
  parts.forEach((part, index) => {
    const queued: QueuedItem<string> = {
      item: part.item,
      index,
      partitionKey: part.partitionKey,
      explicitHashKey: part.explicitHashKey,
      size: part.data.length + Buffer.byteLength(part.partitionKey),
      itemCount: 1,
      seq: index + 1,
      flushGroup: group,
      data: part.data,
    };
    items.add(queued);
  });
  const outgoing: OutgoingRecord<string> = {
    record,
    items,
    laneId: 'shardId-000000000000',
    attempts: 1,
    attemptsBefore: 0,
    notBefore: 0,
    possibleDuplicate: false,
    lastError: undefined,
  };
  return {
    result: {
      delivered: [{ record: outgoing, shardId: 'shardId-000000000001', sequenceNumber: '1' }],
      retry: [],
      givenUp: [],
      mispredicted: 1,
      requestError: undefined,
    },
    size: record.size,
  };
}

const magicData = (text: string): Uint8Array => Buffer.concat([MAGIC, Buffer.from(text)]);

describe('MispredictedAggregates and a one-item record larger than maxRecordBytes', () => {
  // The aggregate's partition key is the first item's (1 byte); the magic item's is 256 bytes.
  const parts: Part[] = [
    { item: 'plain', data: Buffer.from('plain data'), partitionKey: 'k', explicitHashKey: LOW },
    {
      item: 'magic',
      data: magicData('x'.repeat(2000)),
      partitionKey: 'K'.repeat(256),
      explicitHashKey: HIGH,
    },
  ];

  it('keeps the record as delivered when the magic item alone would not fit', () => {
    const { result, size } = deliveredAggregate(parts);
    // The aggregate fits maxRecordBytes exactly; the magic item's own record (its longer key
    // counted instead of the aggregate's) does not.
    const kept = new MispredictedAggregates().resendOutOfShard(result, 0, size);
    expect(kept).toBe(result);
    expect(kept.delivered).toHaveLength(1);
    expect(kept.retry).toEqual([]);
  });

  it('sends both items again when that record fits', () => {
    const { result, size } = deliveredAggregate(parts);
    const resent = new MispredictedAggregates().resendOutOfShard(result, 5, size + 300);
    expect(resent.delivered).toEqual([]);
    expect(resent.retry.map((record) => record.items.item(0))).toEqual(['plain', 'magic']);
    for (const record of resent.retry) {
      expect(record.possibleDuplicate).toBe(true);
      expect(record.notBefore).toBe(5);
      expect(record.record.size).toBeLessThanOrEqual(size + 300);
    }
    // The plain item goes as it is; the magic one as an aggregated record of itself.
    expect(Buffer.from(resent.retry[0]!.record.data).toString()).toBe('plain data');
    expect(hasKplMagic(resent.retry[1]!.record.data)).toBe(true);
    expect(resent.retry[1]!.record.partitionKey).toBe('K'.repeat(256));
    // Settling both takes exactly the aggregate's bytes out of the queue.
    expect(resent.retry.reduce((sum, record) => sum + record.items.bytes, 0)).toBe(
      result.delivered[0]!.record.items.bytes,
    );
  });
});
