// An aggregator of the caller's own whose accumulator breaks its contract (a record holding none
// or only some of the items it was to close, no record at all, or one that is no record): the
// items it held fail with ItemSerializationError, each reported once, and the output still ends.
import { lastValueFrom, range, toArray } from 'rxjs';
import type {
  AggregatedRecord,
  Aggregator,
  AggregatorEntry,
  RecordAccumulator,
} from '../../src/processors/Aggregator.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { jsonSerializer } from '../../src/processors/serializers/jsonSerializer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ItemSerializationError } from '../../src/producer/errors/ItemSerializationError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

const kinesis = useTestKinesis();

/** An aggregator joining entries with newlines whose flush() returns what `broken` makes of its record. */
function brokenAggregator(broken: (record: AggregatedRecord) => unknown): Aggregator {
  return {
    name: 'broken',
    aggregates: true,
    createAccumulator(): RecordAccumulator {
      let open: AggregatorEntry[] = [];
      return {
        add(entry) {
          open.push(entry);
          return undefined;
        },
        flush() {
          if (open.length === 0) return undefined;
          const data = Buffer.from(open.map((entry) => Buffer.from(entry.data).toString()).join('\n'));
          const record = {
            data,
            partitionKey: open[0]!.partitionKey,
            itemCount: open.length,
            size: data.length + 1,
          };
          open = [];
          return broken(record) as AggregatedRecord | undefined;
        },
        get itemCount() {
          return open.length;
        },
        get size() {
          return open.reduce((sum, entry) => sum + entry.data.length + 1, 0);
        },
      };
    },
    deaggregate: () => [],
  };
}

const cases: [string, (record: AggregatedRecord) => unknown][] = [
  ['a record holding none of its items', (record) => ({ ...record, itemCount: 0 })],
  ['a record holding one of its three items', (record) => ({ ...record, itemCount: 1 })],
  ['no record while holding items', () => undefined],
  ['a record whose data is a string', (record) => ({ ...record, data: 'abc' })],
  ['a record whose size is not a number', (record) => ({ ...record, size: Number.NaN })],
];

describe('an accumulator of the caller own that breaks its contract', () => {
  it.each(cases)(
    'flush() returning %s: each item fails once with ItemSerializationError',
    async (_, broken) => {
      const streamName = uniqueStreamName('brokenacc');
      await kinesis.createStream(streamName, 1);
      const client = kinesis.createClient();
      let timer: NodeJS.Timeout | undefined;
      // Generous on a loaded machine; before, the items were never reported and the output never ended.
      const outcome = await Promise.race([
        lastValueFrom(
          range(0, 3).pipe(
            toKinesis<number>({
              streamName,
              client,
              partitionKey: 'k',
              bufferTime: 10,
              onFailure: 'emit',
              processor: createProcessor('broken', jsonSerializer<number>(), brokenAggregator(broken)),
            }),
            toArray(),
          ),
        ),
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('no end after 30 s'), 30_000);
        }),
      ]);
      clearTimeout(timer);
      client.destroy();
      expect(outcome).not.toBe('no end after 30 s');
      const reports = outcome as DeliveryReport<number>[];
      expect(reports.map((report) => report.index).sort()).toEqual([0, 1, 2]);
      for (const report of reports) {
        expect(report.status).toBe('failed');
        if (report.status === 'failed') expect(report.error).toBeInstanceOf(ItemSerializationError);
      }
    },
  );
});

/**
 * An aggregator whose add() closes a record when it holds two entries, claiming `claimed` items,
 * though its data holds only the first entry: the second stays in its open record.
 */
function laggingAggregator(claimed: number): Aggregator {
  return {
    name: 'lagging',
    aggregates: true,
    createAccumulator(): RecordAccumulator {
      let open: AggregatorEntry[] = [];
      const recordOf = (entries: AggregatorEntry[], itemCount: number): AggregatedRecord => {
        const data = Buffer.from(entries.map((entry) => Buffer.from(entry.data).toString()).join('\n'));
        return { data, partitionKey: entries[0]!.partitionKey, itemCount, size: data.length + 1 };
      };
      return {
        add(entry) {
          open.push(entry);
          if (open.length < 2) return undefined;
          const record = recordOf([open[0]!], claimed);
          open = open.slice(1);
          return record;
        },
        flush() {
          if (open.length === 0) return undefined;
          const record = recordOf(open, open.length);
          open = [];
          return record;
        },
        get itemCount() {
          return open.length;
        },
        get size() {
          return open.reduce((sum, entry) => sum + entry.data.length + 1, 0);
        },
      };
    },
    deaggregate: () => [],
  };
}

describe('an accumulator of the caller own whose add() closes a record claiming an item it still holds', () => {
  it.each([
    ['the items it was given', 2],
    ['more items than it was given', 3],
  ])(
    'a record claiming %s: those items fail, none is reported delivered in a record without it',
    async (_, claimed) => {
      const streamName = uniqueStreamName('laggingacc');
      await kinesis.createStream(streamName, 1);
      const client = kinesis.createClient();
      let timer: NodeJS.Timeout | undefined;
      // Generous on a loaded machine.
      const outcome = await Promise.race([
        lastValueFrom(
          range(0, 3).pipe(
            toKinesis<number>({
              streamName,
              client,
              partitionKey: 'k',
              bufferTime: 10,
              onFailure: 'emit',
              processor: createProcessor('lagging', jsonSerializer<number>(), laggingAggregator(claimed)),
            }),
            toArray(),
          ),
        ),
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('no end after 30 s'), 30_000);
        }),
      ]);
      clearTimeout(timer);
      client.destroy();
      expect(outcome).not.toBe('no end after 30 s');
      const reports = [...(outcome as DeliveryReport<number>[])].sort((a, b) => a.index - b.index);
      // Item 1 was claimed by the record holding item 0's data alone: before, it was reported
      // delivered there while its data went out in the next record.
      expect(reports.map((report) => [report.index, report.status])).toEqual([
        [0, 'failed'],
        [1, 'failed'],
        [2, 'delivered'],
      ]);
      for (const report of reports.slice(0, 2)) {
        if (report.status === 'failed') expect(report.error).toBeInstanceOf(ItemSerializationError);
      }
    },
  );
});
