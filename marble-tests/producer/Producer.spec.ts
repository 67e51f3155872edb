import { TestScheduler } from 'rxjs/testing';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { FakeKinesis } from './support/fakeKinesis.js';

describe('Producer in virtual time', () => {
  it('counts items, records, bytes, calls, throttles, retries and failures per shard', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const snapshots: ProducerMetricsSnapshot[] = [];
    let producer!: Producer<string>;
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, {
        entryFault: ({ data, attempt }) => {
          if (data === '"b"' && attempt === 1) return 'ProvisionedThroughputExceededException';
          if (data === '"c"') return 'InternalFailure';
          return undefined;
        },
      });
      producer = new Producer<string>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: 'k',
        scheduler,
        random: () => 0.5,
        retryLimit: 1,
        bufferTime: 100,
      });
      producer.metrics$.subscribe((snapshot) => snapshots.push(snapshot));
      void producer.put('a');
      void producer.put('b');
      void producer.put('c');
      scheduler.schedule(() => expect(producer.metrics().queue).toEqual({ items: 3, bytes: 12 }), 50);
    });
    const metrics = producer.metrics();
    const shard = 'shardId-000000000000';
    // Call 1: a stored, b throttled, c failed. Call 2 (after the throttled second): b stored, c
    // failed again and gives up (retryLimit 1).
    expect(metrics.putRecordsCalls).toBe(2);
    expect(metrics.shards[shard]).toEqual({
      items: 2,
      records: 2,
      bytes: 8,
      putRecordsCalls: 2,
      throttled: 1,
      retries: 2,
      resent: 0,
      failures: 1,
    });
    expect(metrics.totals).toEqual(metrics.shards[shard]);
    expect(metrics.queue).toEqual({ items: 0, bytes: 0 });
    expect(metrics.shardMapRefreshes).toBe(1);
    expect(snapshots[0]!.totals.items).toBe(0);
    expect(snapshots[snapshots.length - 1]!.totals.items).toBe(2);
  });

  it('counts a PutRecords call once in totals and once in each shard it carried records of', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let producer!: Producer<number>;
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { shards: 4 });
      producer = new Producer<number>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: (_item, index) => `key-${index}`,
        scheduler,
        random: () => 0.5,
        bufferTime: 100,
      });
      // Keys spread over the four shards; one bufferTime, so one PutRecords call.
      for (let i = 0; i < 40; i += 1) void producer.put(i);
    });
    const metrics = producer.metrics();
    const perShard = Object.values(metrics.shards).map((shard) => shard.putRecordsCalls);
    expect(perShard.length).toBeGreaterThan(1);
    expect(perShard.every((calls) => calls === 1)).toBe(true);
    expect(metrics.totals.putRecordsCalls).toBe(1);
    expect(metrics.putRecordsCalls).toBe(metrics.totals.putRecordsCalls);
    expect(metrics.totals.items).toBe(40);
  });
});
