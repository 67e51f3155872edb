// Case: after a split, the items of KPL records aggregated for the parent are sent again one per
// record (MispredictedAggregates), and those records stayed in the parent's lane, paced by its
// budget (1,000 records/s) though Kinesis stores them in the two children, each with a budget of
// its own. A close() with a few thousand items so queued took a second more per thousand items
// than the stream needed. Such records now go in the lane of the shard their key maps to, once
// the shard map shows the split.
import { from, mergeMap, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ShardMap } from '../../src/kinesis/ShardMap.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { kplJsonProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport, FailedReport } from '../../src/producer/DeliveryReport.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { evenShards, FakeKinesis } from './support/fakeKinesis.js';

const COUNT = 2000;

function closedParent() {
  return evenShards(1).map((shard) => ({
    ...shard,
    SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' },
  }));
}

test("items sent again after a split go at the children's pace, not the closed parent's", () => {
  const children = evenShards(2, 'shardId-1');
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<number>[] = [];
  let completedAt = -1;
  let fake!: FakeKinesis;
  let metrics: ProducerMetricsSnapshot | undefined;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, { shards: 1 });
    // The producer listed one shard; from 1 ms on Kinesis routes to its two children, and lists them.
    scheduler.schedule(() => {
      fake.routing = ShardMap.fromShards(children);
      fake.listed = [...closedParent(), ...children];
    }, 1);
    // The items come at 2 ms, once the producer has listed the one shard.
    timer(2)
      .pipe(
        mergeMap(() => from(Array.from({ length: COUNT }, (_, i) => i))),
        toKinesis<number>({
          streamName: 'orders',
          client: fake.client,
          processor: kplJsonProcessor<number>(),
          partitionKey: (id) => `key-${id}`,
          bufferTime: 5,
          maxQueueSize: COUNT,
          metricsObserver: { next: (snapshot) => (metrics = snapshot) },
        }),
      )
      .subscribe({
        next: (report) => reports.push(report),
        complete: () => (completedAt = scheduler.now()),
      });
  });
  expect(reports).toHaveLength(COUNT);
  expect(reports.every((report) => report.status === 'delivered')).toBe(true);
  // Every item went again on its own (the KPL records were stored in a child).
  expect(metrics?.totals.resent).toBe(COUNT);
  // Two children take 2,000 records a second: the resends fit in one second's budgets. In the
  // parent's lane alone they waited a second for its budget to come back.
  expect(completedAt).toBeGreaterThan(0);
  expect(completedAt).toBeLessThan(500);
  for (const child of children) expect(metrics?.shards[child.ShardId!]?.resent).toBeGreaterThan(0);
});

test('an item sent again after a split that fails names the child its key maps to, as its error does', () => {
  const children = evenShards(2, 'shardId-1');
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<number>[] = [];
  scheduler.run(() => {
    const fake = new FakeKinesis(scheduler, {
      shards: 1,
      // A plain record (an item sent again on its own: its JSON number) fails every time.
      entryFault: ({ data }) => (/^\d+$/.test(data) ? 'InternalFailure' : undefined),
    });
    scheduler.schedule(() => {
      fake.routing = ShardMap.fromShards(children);
      fake.listed = [...closedParent(), ...children];
    }, 1);
    timer(2)
      .pipe(
        mergeMap(() => from([0, 1, 2, 3, 4, 5])),
        toKinesis<number>({
          streamName: 'orders',
          client: fake.client,
          processor: kplJsonProcessor<number>(),
          partitionKey: (id) => `key-${id}`,
          bufferTime: 5,
          retryLimit: 1,
          onFailure: 'emit',
        }),
      )
      .subscribe((report) => reports.push(report));
  });
  const failed = reports.filter((report): report is FailedReport<number> => report.status === 'failed');
  expect(failed).toHaveLength(6);
  const childIds = children.map((child) => child.ShardId);
  for (const report of failed) {
    expect(childIds).toContain(report.shardId);
    expect(report.error.context.shardId).toBe(report.shardId);
  }
});

test('with preserveOrder, an item sent again after a split stays ahead of the later items of its key', () => {
  const children = evenShards(2, 'shardId-1');
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<number>[] = [];
  let fake!: FakeKinesis;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, {
      shards: 1,
      // Item 0 sent again on its own (its JSON number) fails once, so it waits in back-off.
      entryFault: ({ data, attempt }) => (data === '0' && attempt === 1 ? 'InternalFailure' : undefined),
    });
    scheduler.schedule(() => {
      fake.routing = ShardMap.fromShards(children);
      fake.listed = [...closedParent(), ...children];
    }, 1);
    // Two KPL records for the parent, each of both keys: items 0 and 1, then 2 and 3.
    const items = [
      [2, [0, 1]],
      [10, [2, 3]],
    ] as const;
    from(items)
      .pipe(
        mergeMap(([at, ids]) => timer(at).pipe(mergeMap(() => from(ids)))),
        toKinesis<number>({
          streamName: 'orders',
          client: fake.client,
          processor: kplJsonProcessor<number>(),
          partitionKey: (id) => `key-${id % 2}`,
          bufferTime: 5,
          expoBackoff: 50,
          preserveOrder: true,
        }),
      )
      .subscribe((report) => reports.push(report));
  });
  expect(reports.map((report) => report.status)).toEqual(Array(4).fill('delivered'));
  // Each item of key-0 was stored on its own (the KPL records went to a child); item 0 first.
  const plain = fake.stored.filter((record) => /^\d+$/.test(record.data));
  const key0 = plain.filter((record) => record.partitionKey === 'key-0').map((record) => record.data);
  expect(key0).toEqual(['0', '2']);
});
