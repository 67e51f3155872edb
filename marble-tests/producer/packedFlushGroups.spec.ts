// flush() and close() when a flush's items share a record with items put after it: the flush
// waits for that record and rejects only with failures of its own items; a later item's
// failure rejects the next flush() called.
import { TestScheduler } from 'rxjs/testing';
import { jsonLineProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryRetryLimitError } from '../../src/producer/errors/DeliveryRetryLimitError.js';
import { Producer } from '../../src/producer/Producer.js';
import { FakeKinesis } from './support/fakeKinesis.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('flushes of packed items', () => {
  it('a flush whose items share a record with later ones: it waits for that record, the later failure goes to the next flush', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const outcomes: string[] = [];
    const reports: DeliveryReport<string>[] = [];
    let producer!: Producer<string>;
    let fake!: FakeKinesis;
    const track = (name: string, promise: Promise<unknown>) =>
      promise.then(
        () => outcomes.push(`${name} resolved`),
        (error: unknown) => outcomes.push(`${name} rejected (${(error as Error).constructor.name})`),
      );
    scheduler.run(() => {
      // The shard map comes at 50: items put before then are packed together when it does.
      fake = new FakeKinesis(scheduler, {
        listLatencyMs: 50,
        latencyMs: 10,
        // The record holding c fails for good (retryLimit 0); the one holding d is stored.
        entryFault: ({ data }) => (data.includes('"c"') ? 'InternalFailure' : undefined),
      });
      producer = new Producer<string>({
        streamName: 'orders',
        client: fake.client,
        processor: jsonLineProcessor<string>(),
        partitionKey: 'k',
        scheduler,
        random: () => 0.5,
        retryLimit: 0,
        bufferTime: 1000,
      });
      producer.reports$.subscribe((report) => reports.push(report));
      scheduler.schedule(() => {
        void producer.put('a');
        void producer.put('b');
        void track('flush 1', producer.flush());
        void producer.put('c');
      }, 1);
      scheduler.schedule(() => {
        void producer.put('d');
        void track('flush 2', producer.flush());
      }, 200);
      scheduler.schedule(() => void track('flush 3', producer.flush()), 300);
    });
    await settle();
    await settle();
    // a, b and c went in one record at 50 (answered at 60) and failed together.
    expect(fake.calls.map((call) => call.records.map((record) => record.data))).toEqual([
      ['"a"\n"b"\n"c"\n'],
      ['"d"\n'],
    ]);
    expect(reports.map((report) => [report.item, report.status])).toEqual([
      ['a', 'failed'],
      ['b', 'failed'],
      ['c', 'failed'],
      ['d', 'delivered'],
    ]);
    expect((reports[0] as { error: unknown }).error).toBeInstanceOf(DeliveryRetryLimitError);
    // flush 1 covers a and b: it waits for their record and rejects with their failure. c failed
    // while no flush covering it ran: flush 2 rejects with it, though d is delivered; flush 3 is clean.
    expect(outcomes.sort()).toEqual([
      'flush 1 rejected (DeliveryRetryLimitError)',
      'flush 2 rejected (DeliveryRetryLimitError)',
      'flush 3 resolved',
    ]);
    await producer.close();
  });
});
