// toKinesis()'s metricsObserver under retry() and repeat(): every subscription has an engine of its
// own, and the observer hears the snapshots of each; it completes once, when the last engine
// stops. Before, it was subscribed to each engine in turn: a Subject was completed by the first
// run's engine and heard nothing of the later runs, and a plain observer completed once per run.
import { Subject, concatMap, config, merge, mergeMap, repeat, retry, takeUntil, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

interface Heard {
  /** `<time> items=<delivered>` per snapshot, and `<time> complete`. */
  readonly events: string[];
  readonly observer: Subject<ProducerMetricsSnapshot>;
}

function listen(scheduler: TestScheduler): Heard {
  const events: string[] = [];
  const observer = new Subject<ProducerMetricsSnapshot>();
  observer.subscribe({
    next: (snapshot) => events.push(`${scheduler.now()} items=${snapshot.totals.items}`),
    complete: () => events.push(`${scheduler.now()} complete`),
  });
  return { events, observer };
}

describe('toKinesis(): metricsObserver across subscriptions', () => {
  it('retry(): a Subject hears every run and completes once, after the last', () => {
    const scheduler = newScheduler();
    let heard!: Heard;
    let outcome = '';
    scheduler.run(({ cold }) => {
      heard = listen(scheduler);
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      cold('a b #', undefined, new Error('boom'))
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            metricsObserver: heard.observer,
          }),
          retry(2),
        )
        .subscribe({ error: (error: Error) => (outcome = `${scheduler.now()} ${error.message}`) });
    });
    // Each run: a snapshot at subscribe, and one as its engine stops (before the error is delivered
    // and retry() starts the next run), which is the one after its call's answer (two items): that
    // answer's reports end the run, and the answer's own snapshot, taken once its items left the
    // queue, would be the same.
    expect(heard.events).toEqual([
      '0 items=0',
      '12 items=2',
      '12 items=0',
      '24 items=2',
      '24 items=0',
      '36 items=2',
      '36 complete',
    ]);
    expect(outcome).toBe('36 boom');
  });

  it('repeat(): a plain observer hears every run and completes once, after the last', () => {
    const scheduler = newScheduler();
    const events: string[] = [];
    scheduler.run(({ cold }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      cold('a |')
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            metricsObserver: {
              next: (snapshot) => events.push(`${scheduler.now()} items=${snapshot.totals.items}`),
              complete: () => events.push(`${scheduler.now()} complete`),
            },
          }),
          repeat(3),
        )
        .subscribe();
    });
    const completes = events.filter((event) => event.endsWith('complete'));
    expect(completes).toEqual(['33 complete']);
    // Three runs of one item each, all heard.
    expect(events.filter((event) => event.endsWith('items=1'))).toEqual([
      '11 items=1',
      '22 items=1',
      '33 items=1',
    ]);
  });

  it('unsubscribing mid-run: completes once the engine has delivered what it accepted', () => {
    const scheduler = newScheduler();
    let heard!: Heard;
    scheduler.run(({ cold }) => {
      heard = listen(scheduler);
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      cold('a b 100ms c')
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            bufferTime: 50,
            metricsObserver: heard.observer,
          }),
          takeUntil(timer(20, scheduler)),
        )
        .subscribe();
    });
    // Left at 20: the flush sends a and b at once, answered at 30; then the engine stops (one
    // snapshot: the answer's, once its items left the queue, is the stop's).
    expect(heard.events).toEqual(['0 items=0', '30 items=2', '30 complete']);
  });
});

describe('toKinesis(): one operator in the inners of concatMap() and mergeMap()', () => {
  for (const name of ['concatMap', 'mergeMap'] as const) {
    it(`${name}: the observer hears every inner's engine and completes once, after the last`, () => {
      const scheduler = newScheduler();
      const events: string[] = [];
      scheduler.run(({ cold }) => {
        const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
        const write = toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          metricsObserver: {
            next: (snapshot) => events.push(`items=${snapshot.totals.items}`),
            complete: () => events.push(`${scheduler.now()} complete`),
          },
        });
        cold('a b c |')
          .pipe(
            (name === 'concatMap' ? concatMap : mergeMap)((item: string) =>
              cold(`${item} 5ms |`).pipe(write),
            ),
          )
          .subscribe();
      });
      expect(events.filter((event) => event.endsWith('complete'))).toHaveLength(1);
      expect(events[events.length - 1]).toMatch(/ complete$/);
      // Each of the three engines delivered its item and said so.
      expect(events.filter((event) => event === 'items=1').length).toBeGreaterThanOrEqual(3);
    });
  }
});

describe('toKinesis(): one observer given to several toKinesis() operators', () => {
  it('two writers merged in one pipeline: the Subject hears both and completes after the last', () => {
    const scheduler = newScheduler();
    let heard!: Heard;
    scheduler.run(({ cold }) => {
      heard = listen(scheduler);
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const options = {
        streamName: 'orders',
        client: fake.client,
        partitionKey: 'k',
        metricsObserver: heard.observer,
      };
      merge(
        cold('a |').pipe(toKinesis<string>(options)),
        cold('50ms b c |').pipe(toKinesis<string>(options)),
      ).subscribe();
    });
    // The first writer's engine stops at 11; the second one's items come at 51 and 52, answered at 62.
    expect(heard.events.filter((event) => event.endsWith('complete'))).toEqual(['62 complete']);
    expect(heard.events).toContain('62 items=2');
  });

  it('toKinesis(options) called in each inner of mergeMap(): every inner heard, one completion', () => {
    const scheduler = newScheduler();
    let heard!: Heard;
    scheduler.run(({ cold }) => {
      heard = listen(scheduler);
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      cold('a 5ms b 5ms c |')
        .pipe(
          mergeMap((item: string) =>
            cold(`${item} 30ms |`).pipe(
              toKinesis<string>({
                streamName: 'orders',
                client: fake.client,
                partitionKey: 'k',
                metricsObserver: heard.observer,
              }),
            ),
          ),
        )
        .subscribe();
    });
    // Three engines of one item each, running side by side: each heard once its item is delivered.
    expect(heard.events.filter((event) => event.endsWith('items=1')).length).toBeGreaterThanOrEqual(3);
    expect(heard.events.filter((event) => event.endsWith('complete'))).toHaveLength(1);
    expect(heard.events[heard.events.length - 1]).toMatch(/ complete$/);
  });
});

describe('toKinesis(): a metricsObserver that throws', () => {
  afterEach(() => {
    config.onUnhandledError = null;
  });

  for (const ending of ['complete', 'error'] as const) {
    it(`from complete: the output still ends (${ending}); the throw is reported as an observer's`, () => {
      const scheduler = newScheduler();
      const unhandled: unknown[] = [];
      config.onUnhandledError = (error) => unhandled.push(error);
      const thrown = new Error('observer complete');
      let outcome = '';
      scheduler.run(({ cold }) => {
        const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
        cold(ending === 'complete' ? 'a |' : 'a #', undefined, new Error('source'))
          .pipe(
            toKinesis<string>({
              streamName: 'orders',
              client: fake.client,
              partitionKey: 'k',
              metricsObserver: {
                complete: () => {
                  throw thrown;
                },
              },
            }),
          )
          .subscribe({
            error: (error: Error) => (outcome = `error ${error.message}`),
            complete: () => (outcome = 'complete'),
          });
      });
      expect(outcome).toBe(ending === 'complete' ? 'complete' : 'error source');
      expect(unhandled).toEqual([thrown]);
    });
  }
});
