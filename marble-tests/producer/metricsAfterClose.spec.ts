// A metrics$ subscriber that comes after close() (reading the final figures at shutdown) gets the
// last snapshot, then complete; it used to get only complete.
import { TestScheduler } from 'rxjs/testing';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { FakeKinesis } from './support/fakeKinesis.js';

/** Puts two items in virtual time, then closes the producer; resolves once closed. */
async function closedProducer(watch?: (producer: Producer<string>) => void): Promise<Producer<string>> {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  let producer!: Producer<string>;
  scheduler.run(() => {
    const fake = new FakeKinesis(scheduler);
    producer = new Producer<string>({
      streamName: 'orders',
      client: fake.client,
      partitionKey: 'k',
      scheduler,
      random: () => 0.5,
      bufferTime: 100,
    });
    watch?.(producer);
    void producer.put('a');
    void producer.put('b');
  });
  await producer.close();
  return producer;
}

/** Every notification `producer.metrics$` gives a subscriber now. */
function subscribeNow(producer: Producer<string>): { seen: ProducerMetricsSnapshot[]; completions: number } {
  const heard = { seen: [] as ProducerMetricsSnapshot[], completions: 0 };
  producer.metrics$.subscribe({
    next: (snapshot) => heard.seen.push(snapshot),
    complete: () => (heard.completions += 1),
  });
  return heard;
}

describe('metrics$ after close()', () => {
  it('a subscriber after close() gets the final snapshot, then complete', async () => {
    const producer = await closedProducer();
    const final = producer.metrics();
    expect(final.totals.items).toBe(2);
    expect(final.queue).toEqual({ items: 0, bytes: 0 });
    const late = subscribeNow(producer);
    expect(late.seen).toEqual([final]);
    expect(late.completions).toBe(1);
    // Every later subscriber too.
    expect(subscribeNow(producer)).toEqual({ seen: [final], completions: 1 });
  });

  it('a subscriber before close() gets each snapshot once and one complete, the last the same final one', async () => {
    let early!: { seen: ProducerMetricsSnapshot[]; completions: number };
    const producer = await closedProducer((created) => (early = subscribeNow(created)));
    expect(early.completions).toBe(1);
    expect(early.seen[0]!.totals.items).toBe(0);
    expect(early.seen[early.seen.length - 1]).toEqual(producer.metrics());
    expect(subscribeNow(producer).seen).toEqual([early.seen[early.seen.length - 1]]);
  });
});
