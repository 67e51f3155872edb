// Aggregators of the caller's own whose accumulators close records short (fewer entries than
// were added) or with the entry just added: every item is reported once at its position, and an
// idle producer is left with nothing open (no bufferTime timer going round).
import { from } from 'rxjs';
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
import type { DeliveredReport, DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerEngine } from '../../src/producer/ProducerEngine.js';
import { FakeKinesis } from './support/fakeKinesis.js';

/**
 * Records of entries joined with commas. `close(open)` says, after each add, how many of the open
 * entries to close a record with (0: none).
 */
function commaAggregator(close: (open: number) => number): Aggregator {
  return {
    name: 'comma',
    aggregates: true,
    createAccumulator(): RecordAccumulator {
      let open: AggregatorEntry[] = [];
      const record = (entries: AggregatorEntry[]): AggregatedRecord => {
        const data = Buffer.from(entries.map((entry) => Buffer.from(entry.data).toString()).join(','));
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
          const n = close(open.length);
          if (n === 0) return undefined;
          const closed = record(open.slice(0, n));
          open = open.slice(n);
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
          return open.reduce((sum, entry) => sum + entry.data.length + 1, open.length > 0 ? 1 : 0);
        },
      };
    },
    deaggregate: () => [],
  };
}

const cases: [string, (open: number) => number][] = [
  ['closes short (the first of every three)', (open) => (open === 3 ? 1 : 0)],
  ['closes with the entry just added (every fourth)', (open) => (open === 4 ? 4 : 0)],
];

describe('accumulators of the caller’s own', () => {
  it.each(cases)('%s: each item reported once at its position, under failures', (_, close) => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<string>[] = [];
    let fake!: FakeKinesis;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, {
        entryFault: ({ data, attempt }) =>
          data.includes('i7') && attempt === 1 ? 'InternalFailure' : undefined,
      });
      from(Array.from({ length: 30 }, (_, i) => `i${i}`))
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            processor: createProcessor('comma', stringSerializer(), commaAggregator(close)),
            partitionKey: 'k',
            random: () => 0.5,
            expoBackoff: 10,
          }),
        )
        .subscribe((report) => reports.push(report));
    });
    expect(reports.map((report) => report.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    const stored = new Map<string, string[]>();
    let sequence = 0;
    for (const call of fake.calls)
      for (const record of call.records)
        if (record.outcome.startsWith('shardId')) stored.set(String((sequence += 1)), record.data.split(','));
    for (const report of reports as DeliveredReport<string>[]) {
      expect(report.status).toBe('delivered');
      expect(stored.get(report.sequenceNumber)![report.subSequenceNumber!]).toBe(report.item);
    }
  });

  it.each(cases)(
    '%s: once everything is delivered, no record is counted open and no timer runs',
    (_, close) => {
      const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      let reports = 0;
      let timersLeft = -1;
      scheduler.run(() => {
        const fake = new FakeKinesis(scheduler);
        const engine = new ProducerEngine<string>(
          {
            streamName: 'orders',
            client: fake.client,
            processor: createProcessor('comma', stringSerializer(), commaAggregator(close)),
            partitionKey: 'k',
            random: () => 0.5,
            bufferTime: 100,
          },
          { report: () => (reports += 1), fatal: (error) => fail(error) },
        );
        scheduler.schedule(() => {
          for (let i = 0; i < 8; i += 1) engine.accept(engine.prepare(`i${i}`, i));
        }, 1);
        // Long after the last answer: the scheduler holds no action but this one.
        scheduler.schedule(() => {
          timersLeft = (scheduler as unknown as { actions: unknown[] }).actions.length;
          engine.dispose();
        }, 10_000);
      });
      expect(reports).toBe(8);
      expect(timersLeft).toBe(0);
    },
  );
});
