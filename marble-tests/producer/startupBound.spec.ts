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
    'an awaited put() loop: batchSize items before the map, the rest once it comes, each delivered once (%s)',
    async (_name, processor) => {
      // Virtual time advanced by hand, so that the loop's awaits run between its steps.
      const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      scheduler.maxFrames = Number.POSITIVE_INFINITY;
      const fake = new FakeKinesis(scheduler, { listLatencyMs: 100 });
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
      const reports: DeliveryReport<number>[] = [];
      producer.reports$.subscribe((report) => reports.push(report));
      let accepted = 0;
      let done = false;
      const loop = (async () => {
        for (let i = 0; i < 12; i += 1) {
          await producer.put(i);
          accepted = i + 1;
        }
        await producer.close();
      })().finally(() => {
        done = true;
      });
      const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
      await turn();
      // Before the map (virtual time 0): batchSize items accepted, the loop waits in put().
      expect(scheduler.now()).toBe(0);
      expect(accepted).toBe(5);
      expect(producer.queuedItems).toBe(5);
      while (!done) {
        scheduler.flush();
        await turn();
      }
      await loop;
      expect(accepted).toBe(12);
      expect(reports.map((report) => report.index).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
      expect(reports.every((report) => report.status === 'delivered')).toBe(true);
      const stored = fake.stored.flatMap((record) => record.data.split('\n').filter((line) => line !== ''));
      expect(stored.map(Number)).toEqual([...Array(12).keys()]);
    },
  );

  it('put() calls not awaited are all accepted before the map, as the queue allows', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<number>[] = [];
    const queued: number[] = [];
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { listLatencyMs: 100 });
      const producer = new Producer<number>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: 'k',
        scheduler,
        random: () => 0.5,
        batchSize: 5,
        bufferTime: 10,
      });
      producer.reports$.subscribe((report) => reports.push(report));
      // A second put() while one waits for the map: holding them back would only move them
      // from the queue to the waiting list.
      for (let i = 0; i < 12; i += 1) void producer.put(i);
      scheduler.schedule(() => queued.push(producer.queuedItems), 50);
    });
    expect(queued).toEqual([12]);
    expect(reports.map((report) => report.index)).toEqual([...Array(12).keys()]);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
  });

  it('close() called while a put() waits for the map resolves only once that item has its report too', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    const fake = new FakeKinesis(scheduler, { listLatencyMs: 100 });
    const producer = new Producer<number>({
      streamName: 'orders',
      client: fake.client,
      partitionKey: 'k',
      scheduler,
      random: () => 0.5,
      batchSize: 4,
      processor: jsonLineProcessor<number>(),
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    const events: string[] = [];
    const loop = (async () => {
      for (let i = 0; i < 10; i += 1) {
        try {
          await producer.put(i);
          events.push(`accepted ${i}`);
        } catch (error) {
          events.push(`refused ${i}: ${(error as Error).name}`);
          return;
        }
      }
    })();
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    await turn();
    // Items 0-3 accepted, put(4) waits for the map; close() now.
    let closed = false;
    const closing = producer.close().then(() => {
      closed = true;
      events.push(`closed after ${reports.length} reports`);
    });
    while (!closed) {
      scheduler.flush();
      await turn();
    }
    await Promise.all([loop, closing]);
    expect(events).toEqual([
      'accepted 0',
      'accepted 1',
      'accepted 2',
      'accepted 3',
      'accepted 4',
      'refused 5: ProducerClosedError',
      'closed after 5 reports',
    ]);
    expect(reports.map((report) => report.index)).toEqual([0, 1, 2, 3, 4]);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expect(fake.stored.map((record) => record.data).join('')).toBe('0\n1\n2\n3\n4\n');
  });

  it('fails every item put before a map that never comes, each with one report, and close() settles', async () => {
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
