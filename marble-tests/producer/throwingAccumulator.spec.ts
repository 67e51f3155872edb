// An aggregator of the caller's own whose accumulator throws: while closing a record (its flush(),
// at bufferTime or a flush), or from its `size` after taking an item in. The items of the record it
// could not close fail, each with its own ItemSerializationError (`cause`: what it threw), once;
// the lane gets a new accumulator and later items are delivered; the output completes. Before, a
// throw from flush() escaped the scheduler (the process died), and a throw after an item went in
// reported that item failed and then delivered it in the next record.
import { concat, delay, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type {
  AggregatedRecord,
  Aggregator,
  AggregatorEntry,
  RecordAccumulator,
} from '../../src/processors/Aggregator.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { stringSerializer } from '../../src/processors/serializers/stringSerializer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ItemSerializationError } from '../../src/producer/errors/ItemSerializationError.js';
import { FakeKinesis } from './support/fakeKinesis.js';

type Throws = 'flush' | 'size';

/** Records of entries joined with commas; throws (per `throws`) once an entry "bad" is in the open record. */
function touchyAggregator(throws: Throws): Aggregator {
  return {
    name: 'touchy',
    aggregates: true,
    createAccumulator(): RecordAccumulator {
      let open: AggregatorEntry[] = [];
      const holdsBad = () => open.some((entry) => Buffer.from(entry.data).toString() === 'bad');
      return {
        add(entry) {
          open.push(entry);
          return undefined;
        },
        flush(): AggregatedRecord | undefined {
          if (open.length === 0) return undefined;
          if (throws === 'flush' && holdsBad()) throw new Error('cannot close a record holding bad');
          const data = Buffer.from(open.map((entry) => Buffer.from(entry.data).toString()).join(','));
          const record = {
            data,
            partitionKey: open[0]!.partitionKey,
            itemCount: open.length,
            size: data.length + 1,
          };
          open = [];
          return record;
        },
        get itemCount() {
          return open.length;
        },
        get size() {
          if (throws === 'size' && holdsBad()) throw new Error('cannot size a record holding bad');
          return open.reduce((sum, entry) => sum + entry.data.length + 1, open.length > 0 ? 1 : 0);
        },
      };
    },
    deaggregate: () => [],
  };
}

function run(throws: Throws) {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<string>[] = [];
  let completed = false;
  let fake!: FakeKinesis;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler);
    // One lane (one key): a, b, bad and c fill one record; d and e come after it went.
    concat(of('a', 'b', 'bad', 'c'), of('d', 'e').pipe(delay(100)))
      .pipe(
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          processor: createProcessor('touchy', stringSerializer(), touchyAggregator(throws)),
          partitionKey: 'k',
          bufferTime: 10,
          onFailure: 'emit',
        }),
      )
      .subscribe({ next: (report) => reports.push(report), complete: () => (completed = true) });
  });
  const outcome = [...reports]
    .sort((a, b) => a.index - b.index)
    .map((report) => `${report.item} ${report.status}`);
  return { reports, outcome, completed, stored: fake.stored.map((record) => record.data) };
}

describe('an accumulator of the caller’s own that throws', () => {
  it('from flush(): the items of the record it could not close fail once each; the lane goes on', () => {
    const { reports, outcome, completed, stored } = run('flush');
    expect(outcome).toEqual(['a failed', 'b failed', 'bad failed', 'c failed', 'd delivered', 'e delivered']);
    for (const report of reports) {
      if (report.status !== 'failed') continue;
      expect(report.error).toBeInstanceOf(ItemSerializationError);
      expect(report.error.context).toEqual({ streamName: 'orders', itemIndex: report.index });
      expect((report.error.cause as Error).message).toBe('cannot close a record holding bad');
    }
    expect(stored).toEqual(['d,e']);
    expect(completed).toBe(true);
  });

  it('from size after taking an item in: that item is reported once (failed), never delivered', () => {
    const { outcome, completed, stored } = run('size');
    // The open record's items (a, b) fail with it; bad failed, not added; c starts a new record.
    expect(outcome).toEqual([
      'a failed',
      'b failed',
      'bad failed',
      'c delivered',
      'd delivered',
      'e delivered',
    ]);
    expect(stored).toEqual(['c', 'd,e']);
    expect(completed).toBe(true);
  });
});
