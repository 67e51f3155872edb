import { from, map, range, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

function options(fake: FakeKinesis, extra: Partial<ToKinesisOptions<string>> = {}): ToKinesisOptions<string> {
  return { streamName: 'orders', client: fake.client, partitionKey: 'k', ...extra };
}

const shortReport = (report: DeliveryReport<string>) => `${report.status}:${report.item}`;

describe('toKinesis() batching in virtual time', () => {
  it('sends a PutRecords call as soon as batchSize records are waiting', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const source = cold('a b c d 20ms |');
      const out = source.pipe(toKinesis(options(fake, { batchSize: 3, bufferTime: 1000 })), map(shortReport));
      // (Spaces in marbles are not frames.) a..c go at frame 2, when c arrives; d waits until
      // completion at frame 24 flushes it.
      expectObservable(out).toBe('12ms (xyz) 17ms (w|)', {
        x: 'delivered:a',
        y: 'delivered:b',
        z: 'delivered:c',
        w: 'delivered:d',
      });
      scheduler.schedule(() => {
        expect(fake.calls.map((call) => [call.time, call.records.map((r) => r.data)])).toEqual([
          [2, ['"a"', '"b"', '"c"']],
          [24, ['"d"']],
        ]);
      }, 100);
    });
  });

  it('sends what waits once bufferTime has passed since the first waiting item', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const source = cold('a 99ms b 1999ms |');
      const out = source.pipe(toKinesis(options(fake, { bufferTime: 500 })), map(shortReport));
      expectObservable(out).toBe('510ms (xy) 1586ms |', { x: 'delivered:a', y: 'delivered:b' });
      scheduler.schedule(
        () => expect(fake.calls.map((call) => [call.time, call.records.length])).toEqual([[500, 2]]),
        3000,
      );
    });
  });

  it('cuts a call before the next record would pass maxRequestBytes', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      // Each item is 10 bytes of JSON ("xxxxxxxx") + 1 byte of partition key = 11 bytes.
      const source = cold('a b c d 2s |', { a: 'aaaaaaaa', b: 'bbbbbbbb', c: 'cccccccc', d: 'dddddddd' });
      const out = source.pipe(
        toKinesis(options(fake, { maxRequestBytes: 40, maxRecordBytes: 40, bufferTime: 100 })),
        map((report) => report.index),
      );
      // d arrives at frame 3: the call with a..c goes then; d follows when bufferTime (100 ms) passes.
      expectObservable(out).toBe('13ms (abc) 95ms d 1890ms |', { a: 0, b: 1, c: 2, d: 3 });
      scheduler.schedule(() => {
        expect(fake.calls.map((call) => [call.time, call.records.length])).toEqual([
          [3, 3],
          [103, 1],
        ]);
      }, 5000);
    });
  });

  it('paces 2,500 records into one shard at 1,000 records/s: 2 s, never over budget in any 1 s window', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    let completedAt = -1;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      range(0, 2500)
        .pipe(
          map(String),
          toKinesis(options(fake, { putRateLimitPerShard: 1000, batchSize: 500, maxQueueSize: 10_000 })),
        )
        .subscribe({ complete: () => (completedAt = scheduler.now()) });
    });
    const calls = fake.calls.map((call) => ({ time: call.time, count: call.records.length }));
    expect(calls.reduce((sum, call) => sum + call.count, 0)).toBe(2500);
    for (const call of calls) {
      const inWindow = calls
        .filter((other) => other.time >= call.time && other.time < call.time + 1000)
        .reduce((sum, other) => sum + other.count, 0);
      expect(inWindow).toBeLessThanOrEqual(1000);
    }
    expect(calls.map((call) => call.time)).toEqual([0, 0, 1000, 1000, 2000]);
    expect(completedAt).toBe(2010);
  });

  it('paces bytes per shard with putBandwidthLimitPerShard', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, { latencyMs: 5 });
      // 1 KiB/s per shard; each item is 510 data bytes + 2 quotes + 1 key byte = 513 bytes: one item per second.
      range(0, 4)
        .pipe(
          map(() => 'x'.repeat(510)),
          toKinesis(options(fake, { putBandwidthLimitPerShard: 1, maxRecordBytes: 1024, bufferTime: 0 })),
        )
        .subscribe();
    });
    expect(fake.calls.map((call) => [call.time, call.records.length])).toEqual([
      [0, 1],
      [1000, 1],
      [2000, 1],
      [3000, 1],
    ]);
  });

  it('spreads records over shards and scales the budget with the shard count', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    let completedAt = -1;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10, shards: 4 });
      range(0, 4000)
        .pipe(
          map(String),
          toKinesis({ streamName: 'orders', client: fake.client, partitionKey: (item) => `key-${item}` }),
        )
        .subscribe({ complete: () => (completedAt = scheduler.now()) });
    });
    const perShard = new Map<string, number>();
    for (const record of fake.stored) perShard.set(record.outcome, (perShard.get(record.outcome) ?? 0) + 1);
    expect(perShard.size).toBe(4);
    expect([...perShard.values()].reduce((a, b) => a + b, 0)).toBe(4000);
    // Each shard holds ~1000 records: at 1000/s per shard the whole lot fits in about 1 s, not 4 s.
    expect(completedAt).toBeLessThanOrEqual(1010);
  });
});

describe('toKinesis() lifecycle in virtual time', () => {
  it('completes only after the last PutRecords answer', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 50 });
      const out = cold('a b |').pipe(toKinesis(options(fake, { bufferTime: 500 })), map(shortReport));
      // Completion at frame 2 flushes a and b at once; the answer comes 50 ms later.
      expectObservable(out).toBe('52ms (ab|)', { a: 'delivered:a', b: 'delivered:b' });
    });
  });

  it('delivers accepted items when the subscriber unsubscribes', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    scheduler.run(({ cold, expectObservable }) => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const out = cold('a b 100ms c').pipe(toKinesis(options(fake, { bufferTime: 500 })), map(shortReport));
      expectObservable(out, '^ 20ms !').toBe('');
    });
    expect(fake.calls.map((call) => [call.time, call.records.map((record) => record.data)])).toEqual([
      [21, ['"a"', '"b"']],
    ]);
  });

  it('abandons accepted items on unsubscribe with flushOnUnsubscribe: false', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    scheduler.run(({ cold, expectObservable }) => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const out = cold('a b').pipe(toKinesis(options(fake, { bufferTime: 500, flushOnUnsubscribe: false })));
      expectObservable(out, '^ 20ms !').toBe('');
    });
    expect(fake.calls).toEqual([]);
  });

  it('passes a source error on unchanged after delivering what was accepted', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const boom = new Error('boom');
      const out = cold('a #', undefined, boom).pipe(
        toKinesis(options(fake, { bufferTime: 500 })),
        map(shortReport),
      );
      expectObservable(out).toBe('11ms (a#)', { a: 'delivered:a' }, boom);
    });
  });

  it('completes at once on an empty source', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const fake = new FakeKinesis(scheduler);
      expectObservable(cold('|').pipe(toKinesis(options(fake)))).toBe('|');
    });
  });
});

export function collect<T>(
  scheduler: TestScheduler,
  source: Observable<T>,
): Array<{ time: number; value?: T; error?: unknown; complete?: true }> {
  const events: Array<{ time: number; value?: T; error?: unknown; complete?: true }> = [];
  source.subscribe({
    next: (value) => events.push({ time: scheduler.now(), value }),
    error: (error: unknown) => events.push({ time: scheduler.now(), error }),
    complete: () => events.push({ time: scheduler.now(), complete: true }),
  });
  return events;
}

export const fromItems = (items: string[]) => from(items);
