import { TestScheduler } from 'rxjs/testing';
import { jsonLineProcessor, jsonProcessor } from '../../src/processors/namedProcessors.js';
import type { ProducerOptions } from '../../src/producer/ProducerOptions.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import type { PreparedItem } from '../../src/producer/OutgoingRecord.js';
import { ProducerEngine } from '../../src/producer/ProducerEngine.js';
import { FakeKinesis } from './support/fakeKinesis.js';

/**
 * Feeds `count` items to an engine as fast as its queue lets it (as Producer.put() does: each
 * waits until there is room) on a TestScheduler; returns the lines of every stored record, the
 * reports and any error the engine called fatal.
 */
function fill(
  count: number,
  maxQueueSize: number,
  options: Partial<ProducerOptions<string>> = {},
): {
  records: number[];
  reports: DeliveryReport<string>[];
  errors: unknown[];
  callTimes: number[];
} {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<string>[] = [];
  const errors: unknown[] = [];
  let fake!: FakeKinesis;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, { latencyMs: 20 });
    let next = 0;
    let waiting: PreparedItem<string> | undefined;
    let feeding = false;
    const feed = () => {
      if (feeding) return;
      feeding = true;
      for (;;) {
        if (waiting === undefined) {
          if (next === count) break;
          waiting = engine.prepare('xxxxxx', next);
          next += 1;
        }
        if (!engine.hasRoomFor(waiting.size)) break;
        engine.accept(waiting);
        waiting = undefined;
      }
      feeding = false;
      if (next === count && waiting === undefined) engine.flush();
    };
    const engine = new ProducerEngine<string>(
      {
        streamName: 'orders',
        client: fake.client,
        processor: jsonLineProcessor(),
        partitionKey: 'k',
        random: () => 0.5,
        maxQueueSize,
        // 111 lines of 9 bytes (`"xxxxxx"` and a newline) and the 1-byte key.
        maxRecordBytes: 1000,
        ...options,
      },
      {
        report: (report) => reports.push(report),
        spaceAvailable: feed,
        fatal: (error) => errors.push(error),
      },
    );
    scheduler.schedule(feed, 1);
  });
  return {
    records: fake.stored.map((record) => record.data.split('\n').length - 1),
    reports,
    errors,
    callTimes: fake.calls.map((call) => call.time),
  };
}

describe('a full queue of aggregated items', () => {
  it('lets the open record fill while the records on their way hold most of the queue', () => {
    // 300 items fit in the queue: two full records (222 items) go, 78 wait in the open record.
    // As answers make room, the open record keeps filling: every record is full but the last.
    const { records, reports, errors } = fill(1000, 300);
    expect(errors).toEqual([]);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(1000);
    expect(records.slice(0, -1)).toEqual(new Array<number>(9).fill(111));
    expect(records.reduce((sum, lines) => sum + lines, 0)).toBe(1000);
  });

  it('sends the open record at once when it holds most of the queue', () => {
    // The queue holds less than a record: waiting for the record to fill would wait for
    // bufferTime each time, so every full queue goes as it is.
    const { records, reports, errors } = fill(200, 50);
    expect(errors).toEqual([]);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(200);
    expect(records).toEqual([50, 50, 50, 50]);
  });
});

describe('a queue full by its bytes', () => {
  it('is sent at once when the next item does not fit, though the bytes held are below the bound', () => {
    // Items of 9 bytes (`"xxxxxx"` and the 1-byte key), one per record: 111 of them (999 bytes)
    // fit in 1,005 bytes and the 112th does not, so the queue can fill no further.
    const { reports, errors, callTimes } = fill(400, 100_000, {
      processor: jsonProcessor(),
      maxQueueBytes: 1005,
    });
    expect(errors).toEqual([]);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(400);
    // Fed at 1 ms; each full queue goes at once (20 ms answers), not after bufferTime (500 ms).
    expect(callTimes[0]).toBe(1);
    expect(Math.max(...callTimes)).toBeLessThan(500);
  });
});
