import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { TestScheduler } from 'rxjs/testing';
import { jsonLineProcessor, jsonProcessor } from '../../src/processors/namedProcessors.js';
import type { ProducerOptions } from '../../src/producer/ProducerOptions.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import type { PreparedItem } from '../../src/producer/OutgoingRecord.js';
import { ProducerEngine } from '../../src/producer/ProducerEngine.js';
import { Producer } from '../../src/producer/Producer.js';
import { awsError, FakeKinesis } from './support/fakeKinesis.js';

/**
 * Feeds `count` items to an engine as fast as its queue lets it (as Producer.put() does: each
 * waits until there is room) on a TestScheduler; returns the lines of every stored record, the
 * reports and any error the engine called fatal.
 */
function fill(
  count: number,
  item: (index: number) => string,
  maxQueueSize: number,
  options: Partial<ProducerOptions<string>> = {},
): {
  records: number[];
  reports: DeliveryReport<string>[];
  errors: unknown[];
  callTimes: number[];
  /** The most items and bytes the queue held at any time. */
  peak: { items: number; bytes: number };
} {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<string>[] = [];
  const errors: unknown[] = [];
  let fake!: FakeKinesis;
  const peak = { items: 0, bytes: 0 };
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
          waiting = engine.prepare(item(next), next);
          next += 1;
        }
        if (!engine.hasRoomFor(waiting.size)) break;
        engine.accept(waiting);
        waiting = undefined;
        peak.items = Math.max(peak.items, engine.queuedItems);
        peak.bytes = Math.max(peak.bytes, engine.queuedBytes);
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
    peak,
  };
}

describe('a full queue of aggregated items', () => {
  it('lets the open record fill while the records on their way hold most of the queue', () => {
    // 300 items fit in the queue: two full records (222 items) go, 78 wait in the open record.
    // As answers make room, the open record keeps filling: every record is full but the last.
    const { records, reports, errors } = fill(1000, () => 'xxxxxx', 300);
    expect(errors).toEqual([]);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(1000);
    expect(records.slice(0, -1)).toEqual(new Array<number>(9).fill(111));
    expect(records.reduce((sum, lines) => sum + lines, 0)).toBe(1000);
  });

  it('sends the open record at once when it holds most of the queue', () => {
    // The queue holds less than a record: waiting for the record to fill would wait for
    // bufferTime each time, so every full queue goes as it is.
    const { records, reports, errors } = fill(200, () => 'xxxxxx', 50);
    expect(errors).toEqual([]);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(200);
    expect(records).toEqual([50, 50, 50, 50]);
  });
});

describe('a queue full by its bytes', () => {
  it('is sent at once when the next item does not fit, though the bytes held are below the bound', () => {
    // Items of 9 bytes (`"xxxxxx"` and the 1-byte key), one per record: 111 of them (999 bytes)
    // fit in 1,005 bytes and the 112th does not, so the queue can fill no further.
    const { reports, errors, callTimes } = fill(400, () => 'xxxxxx', 100_000, {
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

describe('memory of a run of ~1 KiB items under a small byte bound', () => {
  it.each([
    ['one record each', jsonProcessor<string>()],
    ['JSON lines', jsonLineProcessor<string>()],
  ])(
    'never holds more items or bytes than the bounds (%s), and is never held up by bufferTime',
    (_, processor) => {
      // 1 KiB items (±100 bytes) in 16 KiB: about 15 at a time.
      const item = (index: number) => 'x'.repeat(924 + ((index * 37) % 200));
      const maxQueueBytes = 16 * 1024;
      const { reports, errors, callTimes, peak } = fill(2000, item, 64, {
        processor,
        maxRecordBytes: maxQueueBytes,
        maxQueueBytes,
        bufferTime: 1000,
      });
      expect(errors).toEqual([]);
      expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(2000);
      expect(peak.bytes).toBeLessThanOrEqual(maxQueueBytes);
      expect(peak.bytes).toBeGreaterThan(maxQueueBytes - 1200);
      expect(peak.items).toBeLessThanOrEqual(64);
      // 2 MiB at a shard's 1 MiB/s takes two seconds, but no call waits for bufferTime.
      const gaps = callTimes.map((time, i) => time - (callTimes[i - 1] ?? 0));
      expect(Math.max(...gaps)).toBeLessThan(100);
    },
  );
});

describe('a put() refused while the queue is sent', () => {
  it('is let in when sending the queue made room at once (a client that throws as it is called)', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let fake!: FakeKinesis;
    let producer!: Producer<string>;
    const accepted: number[] = [];
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler);
      const client = {
        send: (command: unknown) => {
          if (command instanceof PutRecordsCommand) throw awsError('AccessDeniedException', 400);
          return fake.client.send(command as never);
        },
      } as unknown as KinesisClient;
      producer = new Producer<string>({
        streamName: 'orders',
        client,
        processor: jsonProcessor(),
        partitionKey: 'k',
        scheduler,
        random: () => 0.5,
        maxRecordBytes: 1000,
        maxQueueBytes: 1000,
        bufferTime: 100_000,
      });
      scheduler.schedule(() => {
        // 400 bytes fit, and 400 more would, so the queue is not sent then; 700 more do not fit:
        // the queue is sent, its item fails at once, and the 700 bytes fit.
        void producer.put('x'.repeat(397)).then((index) => accepted.push(index));
        void producer.put('x'.repeat(697)).then((index) => accepted.push(index));
      }, 1);
    });
    await Promise.resolve();
    await Promise.resolve();
    // Without the re-check the second put() waits for ever (and a flush() or close() spins).
    expect(accepted).toEqual([0, 1]);
    await producer.close().catch(() => undefined);
  });
});
