// A synchronous source (an iterable, range()) is not asked for more once toKinesis() stops taking
// items while it emits: the output errored (queue full, a failed item) or its subscriber left
// (take(n) on reports emitted during the emission). Before, the source went on to its end, so an
// endless iterable never returned.
import { from, map, take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Counts the items pulled from it; stops after `limit` (a stand-in for an endless iterable). */
function counted(limit: number): { items: Iterable<number>; pulled: () => number } {
  let pulled = 0;
  function* generate(): Generator<number> {
    while (pulled < limit) {
      pulled += 1;
      yield pulled - 1;
    }
  }
  return { items: { [Symbol.iterator]: generate }, pulled: () => pulled };
}

const LIMIT = 1_000_000;

describe('toKinesis(): a synchronous source stops being pulled once the operator stops taking items', () => {
  it('overflow "error": the item the full queue refused is the last one pulled', () => {
    const scheduler = newScheduler();
    const source = counted(LIMIT);
    let outcome = '';
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      from(source.items)
        .pipe(
          toKinesis<number>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            maxQueueSize: 10,
          }),
        )
        .subscribe({
          error: (error: Error) => (outcome = error.name),
          complete: () => (outcome = 'complete'),
        });
    });
    expect(outcome).toBe('QueueFullError');
    expect(source.pulled()).toBe(11);
  });

  it('onFailure "error": a bad first item is the only one pulled', () => {
    const scheduler = newScheduler();
    const source = counted(LIMIT);
    let outcome = '';
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      from(source.items)
        .pipe(toKinesis<number>({ streamName: 'orders', client: fake.client, partitionKey: () => '' }))
        .subscribe({
          error: (error: Error) => (outcome = error.name),
          complete: () => (outcome = 'complete'),
        });
    });
    expect(outcome).toBe('InvalidPartitionKeyError');
    expect(source.pulled()).toBe(1);
  });

  it('take(3) on dropped reports emitted during the emission: nothing pulled after the third', () => {
    const scheduler = newScheduler();
    const source = counted(LIMIT);
    let statuses: string[] = [];
    let fake!: FakeKinesis;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      from(source.items)
        .pipe(
          toKinesis<number>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            maxQueueSize: 5,
            overflow: 'drop-newest',
          }),
          take(3),
          map((report) => `${report.status}:${report.item}`),
          toArray(),
        )
        .subscribe((all) => (statuses = all));
    });
    expect(statuses).toEqual(['dropped:5', 'dropped:6', 'dropped:7']);
    expect(source.pulled()).toBe(8);
    // The five accepted before the unsubscription are still delivered.
    expect(fake.stored.map((record) => record.data)).toEqual(['0', '1', '2', '3', '4']);
  });
});
