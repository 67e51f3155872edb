import { TestScheduler } from 'rxjs/testing';
import { KinesisServiceError } from '../../src/kinesis/errors/KinesisServiceError.js';
import { Producer } from '../../src/producer/Producer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { DeliveryRetryLimitError } from '../../src/producer/errors/DeliveryRetryLimitError.js';
import { awsError, FakeKinesis } from './support/fakeKinesis.js';

describe('Producer: the first shard map fails to load, in virtual time', () => {
  it('fails the waiting items at retryLimit, then recovers once ListShards answers and delivers later items', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: { time: number; report: DeliveryReport<string> }[] = [];
    let fake!: FakeKinesis;
    scheduler.run(() => {
      let listCalls = 0;
      // ListShards answers 500 three times in a row (an outage of a few hundred ms), then works.
      fake = new FakeKinesis(scheduler, {
        listShardsFault: () => (++listCalls <= 3 ? awsError('InternalFailure', 500) : undefined),
      });
      const producer = new Producer<string>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: 'k',
        scheduler,
        retryLimit: 1,
        expoBackoff: 100,
        random: () => 0.5,
      });
      producer.reports$.subscribe((report) => reports.push({ time: scheduler.now(), report }));
      void producer.put('a').catch(() => undefined);
      // Long after the outage.
      scheduler.schedule(() => void producer.put('b').catch(() => undefined), 10_000);
      scheduler.schedule(() => void producer.close().catch(() => undefined), 20_000);
    });
    const summary = reports.map(({ report }) => [report.item, report.status]);
    expect(summary).toEqual([
      ['a', 'failed'],
      ['b', 'delivered'],
    ]);
    const first = reports[0]!.report;
    expect(first.status === 'failed' && first.error).toBeInstanceOf(DeliveryRetryLimitError);
    expect(first.status === 'failed' && first.error.cause).toBeInstanceOf(KinesisServiceError);
    expect(fake.stored.map((record) => record.data)).toEqual(['"b"']);
  });
});

describe('Producer: a stream it cannot use, in virtual time', () => {
  it('fails every put() still waiting for room, however many, and close() settles', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const failed = new Set<number>();
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
        maxQueueSize: 10,
      });
      producer.reports$.subscribe((report) => {
        if (report.status === 'failed') failed.add(report.index);
      });
      // A caller that does not await put(): all but 10 wait for room.
      for (let i = 0; i < 20_000; i += 1) void producer.put(i);
      closed = producer.close().catch((error: unknown) => error);
    });
    // Each failed item makes room for the next waiting one, all in the ListShards answer's turn.
    expect(failed.size).toBe(20_000);
    expect(await closed).toBeInstanceOf(DeliveryFailedError);
  });
});
