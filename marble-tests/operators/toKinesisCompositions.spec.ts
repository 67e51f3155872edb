import { defer, map, mergeMap, of, range, retry, share, switchMap, take, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { AfterFlushError } from '../../src/producer/errors/AfterFlushError.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const shortReport = (report: DeliveryReport<string>) => `${report.status}:${report.item}`;

describe('toKinesis() composed with other operators, in virtual time', () => {
  it('takes nothing more from a synchronous source once unsubscribed during its emission', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    scheduler.run(({ expectObservable }) => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      // 'b' has no valid key: its failed report is emitted while 'b' is, and take(1) unsubscribes
      // then, while of() goes on emitting 'c' and 'd' into the subscription it was not told about.
      const out = of('a', 'b', 'c', 'd').pipe(
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: (item) => (item === 'b' ? '' : item),
          onFailure: 'emit',
        }),
        take(1),
        map(shortReport),
      );
      expectObservable(out).toBe('(x|)', { x: 'failed:b' });
    });
    // 'a' was accepted before the unsubscription and is delivered; 'c' and 'd' came after it.
    expect(fake.stored.map((record) => record.data)).toEqual(['"a"']);
  });

  it('switchMap: an inner pipeline switched away still delivers what it accepted, reporting to nobody', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    scheduler.run(({ cold, expectObservable }) => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const out = cold('a 9ms b 99ms |').pipe(
        switchMap((batch) =>
          cold('x y z 499ms |').pipe(
            map((item) => `${batch}${item}`),
            toKinesis<string>({
              streamName: 'orders',
              client: fake.client,
              partitionKey: 'k',
              bufferTime: 100,
            }),
          ),
        ),
        map(shortReport),
      );
      // b arrives at frame 10: a's inner is unsubscribed with ax..az accepted, and flushes them at
      // once; b's items go after bufferTime (frame 110), and the output completes with b's inner.
      expectObservable(out).toBe('120ms (xyz) 387ms |', {
        x: 'delivered:bx',
        y: 'delivered:by',
        z: 'delivered:bz',
      });
    });
    expect(fake.calls.map((call) => [call.time, call.records.map((record) => record.data)])).toEqual([
      [10, ['"ax"', '"ay"', '"az"']],
      [110, ['"bx"', '"by"', '"bz"']],
    ]);
  });

  it('retry(): each subscription has its own producer; reports of the first come before its error', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const boom = new Error('boom');
      const out = cold('a b #', undefined, boom).pipe(
        toKinesis<string>({ streamName: 'orders', client: fake.client, partitionKey: 'k' }),
        retry(1),
        map(shortReport),
      );
      expectObservable(out).toBe('12ms (ab) 8ms (ab#)', { a: 'delivered:a', b: 'delivered:b' }, boom);
    });
  });

  it('share() before two toKinesis() subscribers: each writes every item once', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    scheduler.run(({ cold, expectObservable }) => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const source = cold('a b |').pipe(share());
      const write = source.pipe(
        toKinesis<string>({ streamName: 'orders', client: fake.client, partitionKey: 'k' }),
        map(shortReport),
      );
      expectObservable(write).toBe('12ms (ab|)', { a: 'delivered:a', b: 'delivered:b' });
      expectObservable(write).toBe('12ms (ab|)', { a: 'delivered:a', b: 'delivered:b' });
    });
    expect(fake.stored.map((record) => record.data).sort()).toEqual(['"a"', '"a"', '"b"', '"b"']);
  });

  it('mergeMap(): many short inner pipelines each report every item once and complete', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    const reports: DeliveryReport<string>[] = [];
    let completed = false;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      range(0, 200)
        .pipe(
          mergeMap((i) =>
            of(`${i}a`, `${i}b`).pipe(
              toKinesis<string>({ streamName: 'orders', client: fake.client, partitionKey: 'k' }),
            ),
          ),
        )
        .subscribe({ next: (report) => reports.push(report), complete: () => (completed = true) });
    });
    expect(completed).toBe(true);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expect(new Set(reports.map((report) => report.item)).size).toBe(400);
    expect(fake.stored).toHaveLength(400);
  });

  it('an afterFlush that rejects: the items are reported delivered, then the output errors, even with onFailure: emit', () => {
    const scheduler = newScheduler();
    const events: string[] = [];
    scheduler.run(({ cold }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      // A promise-like that rejects 5 ms later, in virtual time.
      const rejectLater = (): PromiseLike<void> => ({
        then: (_fulfilled, rejected) => {
          scheduler.schedule(() => rejected?.(new Error('sink down')), 5);
          return Promise.resolve() as never;
        },
      });
      cold('a b c d |')
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            batchSize: 2,
            onFailure: 'emit',
            afterFlush: rejectLater,
          }),
        )
        .subscribe({
          next: (report) => events.push(`${scheduler.now()} ${shortReport(report)}`),
          error: (error: unknown) =>
            events.push(
              `${scheduler.now()} ${error instanceof AfterFlushError ? 'AfterFlushError' : 'other'}`,
            ),
          complete: () => events.push('complete'),
        });
    });
    // a, b answered at 11 and c, d at 13; their afterFlush calls reject 5 ms later.
    expect(events).toEqual([
      '16 delivered:a',
      '16 delivered:b',
      '18 delivered:c',
      '18 delivered:d',
      '18 AfterFlushError',
    ]);
  });

  it('does not subscribe to the source when flushOn has already failed', () => {
    const scheduler = newScheduler();
    let subscribed = false;
    scheduler.run(({ expectObservable }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const boom = new Error('flushOn broke');
      // A source whose items would be taken from somewhere (a queue, a consumer that acks on
      // emission) and then thrown away by an output that has already ended.
      const source = defer(() => {
        subscribed = true;
        return of('a', 'b');
      });
      const out = source.pipe(
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          flushOn: throwError(() => boom),
        }),
      );
      expectObservable(out).toBe('#', undefined, boom);
    });
    expect(subscribed).toBe(false);
  });
});
