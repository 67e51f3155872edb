import { TestScheduler } from 'rxjs/testing';
import { jsonLineProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import { awsError, FakeKinesis } from './support/fakeKinesis.js';

describe('Producer: put() before the first shard map, in virtual time', () => {
  it.each([
    ['one record per item', undefined],
    ['JSON lines', jsonLineProcessor<number>()],
  ])(
    'accepts batchSize items, lets the rest wait for the map, then delivers every one once (%s)',
    async (_name, processor) => {
      const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      const reports: DeliveryReport<number>[] = [];
      const queued: number[] = [];
      let fake!: FakeKinesis;
      let closed!: Promise<void>;
      scheduler.run(() => {
        // The shard map comes 100 ms after start.
        fake = new FakeKinesis(scheduler, { listLatencyMs: 100 });
        const producer = new Producer<number>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          scheduler,
          random: () => 0.5,
          batchSize: 5,
          bufferTime: 10,
          ...(processor === undefined ? {} : { processor }),
        });
        producer.reports$.subscribe((report) => reports.push(report));
        for (let i = 0; i < 12; i += 1) void producer.put(i);
        scheduler.schedule(() => queued.push(producer.queuedItems), 50);
        scheduler.schedule(() => queued.push(producer.queuedItems), 101);
        scheduler.schedule(() => {
          closed = producer.close();
        }, 200);
      });
      await closed;
      // Before the map: batchSize items accepted, the other 7 put() calls waiting outside the queue.
      // Right after it: the waiting ones were let in.
      expect(queued[0]).toBe(5);
      expect(queued[1]).toBeGreaterThan(5);
      expect(reports.map((report) => report.index).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
      expect(reports.every((report) => report.status === 'delivered')).toBe(true);
      const stored = fake.stored.flatMap((record) => record.data.split('\n').filter((line) => line !== ''));
      expect(stored.map(Number)).toEqual([...Array(12).keys()]);
    },
  );

  it('close() called while put() calls wait for the map resolves only once every item has its report', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<number>[] = [];
    const events: string[] = [];
    let fake!: FakeKinesis;
    let closed!: Promise<void>;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, { listLatencyMs: 100 });
      const producer = new Producer<number>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: 'k',
        scheduler,
        random: () => 0.5,
        batchSize: 4,
        processor: jsonLineProcessor<number>(),
      });
      producer.reports$.subscribe((report) => reports.push(report));
      for (let i = 0; i < 10; i += 1) void producer.put(i);
      // Before the map: 4 accepted, 6 waiting.
      closed = producer.close().then(() => {
        events.push(`closed after ${reports.length} reports`);
      });
    });
    await closed;
    expect(events).toEqual(['closed after 10 reports']);
    expect(reports.map((report) => report.index).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    const stored = fake.stored.flatMap((record) => record.data.split('\n').filter((line) => line !== ''));
    expect(stored.map(Number)).toEqual([...Array(10).keys()]);
  });

  it('fails the items waiting for a map that never comes, each with one report, and close() settles', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<number>[] = [];
    const rejected: number[] = [];
    let closed!: Promise<unknown>;
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, {
        listShardsFault: () => awsError('AccessDeniedException', 400),
      });
      const producer = new Producer<number>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: 'k',
        scheduler,
        random: () => 0.5,
        batchSize: 3,
      });
      producer.reports$.subscribe((report) => reports.push(report));
      for (let i = 0; i < 10; i += 1) {
        void producer.put(i).catch(() => rejected.push(i));
      }
      scheduler.schedule(() => {
        closed = producer.close().catch((error: unknown) => error);
      }, 1_000);
    });
    await closed;
    expect(rejected).toEqual([]);
    expect(reports.map((report) => report.index).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(reports.every((report) => report.status === 'failed')).toBe(true);
  });
});
