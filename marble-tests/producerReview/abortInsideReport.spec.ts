// A producer aborted from inside one of its own reports (take(1) on toKinesis() with
// flushOnUnsubscribe: false, or Producer.close({ abort: true }) from a reports$ subscriber) while a
// PutRecords answer is being reported: the last metrics snapshot comes after the rest of that answer
// was settled, so it shows an empty queue and every accepted item delivered or failed. Before, it
// was taken at the abort: the answer's other items, delivered, still showed as queued.
import { take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** c fails once, so one call's items are still in flight or waiting when the first answer comes. */
const failCOnce = ({ data, attempt }: { data: string; attempt: number }) =>
  data === '"c"' && attempt === 1 ? 'InternalFailure' : undefined;

describe('a producer aborted from inside its own report', () => {
  it('toKinesis(), take(1), flushOnUnsubscribe: false: the last snapshot shows every item settled', () => {
    const scheduler = newScheduler();
    let last: ProducerMetricsSnapshot | undefined;
    let completed = false;
    scheduler.run(({ cold }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10, shards: 3, entryFault: failCOnce });
      cold('abcdefgh 20ms ij|')
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: (item) => item,
            bufferTime: 5,
            flushOnUnsubscribe: false,
            metricsObserver: { next: (snapshot) => (last = snapshot), complete: () => (completed = true) },
          }),
          take(1),
        )
        .subscribe();
    });
    expect(completed).toBe(true);
    expect(last?.queue).toEqual({ items: 0, bytes: 0 });
    expect(last!.totals.items + last!.totals.failures).toBe(8);
    expect(last!.totals.failures).toBeGreaterThan(0);
  });

  it('Producer: close({ abort: true }) from a reports$ subscriber: the last snapshot shows every item settled', () => {
    const scheduler = newScheduler();
    let last: ProducerMetricsSnapshot | undefined;
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10, shards: 3, entryFault: failCOnce });
      const producer = new Producer<string>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: (item) => item,
        bufferTime: 5,
        scheduler,
      });
      producer.metrics$.subscribe((snapshot) => (last = snapshot));
      producer.reports$
        .pipe(take(1))
        .subscribe(() => void producer.close({ abort: true }).catch(() => undefined));
      for (const item of 'abcdefgh') void producer.put(item).catch(() => undefined);
    });
    expect(last?.queue).toEqual({ items: 0, bytes: 0 });
    expect(last!.totals.items + last!.totals.failures).toBe(8);
  });
});
