import type {
  AggregatedRecord,
  Aggregator,
  AggregatorEntry,
  RecordAccumulator,
} from '../../src/processors/Aggregator.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { stringSerializer } from '../../src/processors/serializers/stringSerializer.js';
import type { FlushGroup, QueuedItem } from '../../src/producer/OutgoingRecord.js';
import { RecordBatcher } from '../../src/producer/RecordBatcher.js';

/**
 * An aggregator of the caller's own that closes a record with fewer entries than were added: at
 * every third entry, a record of the first one alone (the two others stay open).
 */
function unevenAggregator(): Aggregator {
  return {
    name: 'uneven',
    aggregates: true,
    createAccumulator(): RecordAccumulator {
      let open: AggregatorEntry[] = [];
      const record = (entries: AggregatorEntry[]): AggregatedRecord => {
        const data = Buffer.concat(entries.map((entry) => entry.data));
        return {
          data,
          partitionKey: entries[0]!.partitionKey,
          itemCount: entries.length,
          size: data.length + 1,
        };
      };
      return {
        add(entry) {
          open.push(entry);
          if (open.length < 3) return undefined;
          const closed = record(open.slice(0, 1));
          open = open.slice(1);
          return closed;
        },
        flush() {
          if (open.length === 0) return undefined;
          const closed = record(open);
          open = [];
          return closed;
        },
        get itemCount() {
          return open.length;
        },
        get size() {
          return open.reduce((sum, entry) => sum + entry.data.length, open.length > 0 ? 1 : 0);
        },
      };
    },
    deaggregate: () => [],
  };
}

describe('RecordBatcher', () => {
  it("keeps the items a record of an accumulator of one's own left open for the next record", () => {
    const batcher = new RecordBatcher<string>(
      createProcessor('uneven', stringSerializer(), unevenAggregator()),
      {
        batchSize: 500,
        maxRequestBytes: 5 * 1024 * 1024,
        maxRecordBytes: 1024 * 1024,
        recordsPerSecond: 1e9,
        bytesPerSecond: 1e9,
        preserveOrder: false,
      },
    );
    const group: FlushGroup = { unsettled: 0 };
    for (let index = 0; index < 5; index += 1) {
      const item: QueuedItem<string> = {
        item: `i${index}`,
        index,
        data: Buffer.from(`i${index}`),
        partitionKey: 'k',
        explicitHashKey: undefined,
        size: 3,
        itemCount: 1,
        seq: index + 1,
        flushGroup: group,
      };
      batcher.add(item, 'shardId-000000000000');
    }
    batcher.releaseAll();
    const { records } = batcher.nextBatch(0);
    const contents = records.map(({ record, items }) => ({
      data: Buffer.from(record.data).toString(),
      items: Array.from({ length: items.length }, (_, i) => [items.item(i), items.index(i)]),
      bytes: items.bytes,
    }));
    expect(contents).toEqual([
      { data: 'i0', items: [['i0', 0]], bytes: 3 },
      { data: 'i1', items: [['i1', 1]], bytes: 3 },
      { data: 'i2', items: [['i2', 2]], bytes: 3 },
      {
        data: 'i3i4',
        items: [
          ['i3', 3],
          ['i4', 4],
        ],
        bytes: 6,
      },
    ]);
  });
});
