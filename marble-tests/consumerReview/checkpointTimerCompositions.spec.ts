// Case: checkpoint() given no scheduler, composed the way users do: two consumers on different
// schedulers merged into one checkpoint(), a pipeline resubscribed by retry() and repeat(), and
// records that reach it only after it was unsubscribed. The timer runs on the scheduler of the
// consumer met first, writes every consumer's passes, and none is left once the pipeline ended.
import { merge, Observable, repeat, retry, Subject, take, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type LedgerLink, type ReadingLink } from '../../src/consumer/RecordTracking.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';

/** One shard of a consumer on `scheduler`, logging passes and commits with `name`. */
class Shard {
  readonly ledger: LedgerLink;
  readonly reading: ReadingLink;

  constructor(
    readonly name: string,
    private readonly scheduler: SchedulerLike,
    log: string[],
  ) {
    this.ledger = {
      id: 1,
      scheduler,
      passedLast: new WeakMap(),
      addSink: () => undefined,
      removeSink: () => undefined,
      settledByDrop: () => undefined,
      distrustAll: () => undefined,
    };
    this.reading = {
      shardId: name,
      checkpointer: new MemoryCheckpointer(),
      passed: (_ledger, sequenceNumber) => void log.push(`${name} pass ${sequenceNumber}`),
      skipped: () => undefined,
      itemsDecoded: () => undefined,
      itemsDone: () => Number.POSITIVE_INFINITY,
      whenSettled: () => () => undefined,
      commit: () => {
        log.push(`${name} commit`);
        return Promise.resolve();
      },
    };
  }

  record(sequenceNumber: string): KinesisRecord {
    return {
      streamName: 'orders',
      shardId: this.name,
      sequenceNumber,
      partitionKey: 'k',
      data: new Uint8Array(0),
      approximateArrivalTimestamp: new Date(0),
      [CONSUMER_CONTEXT]: { processor: jsonProcessor(), scheduler: this.scheduler },
      [RECORD_HANDLE]: { reading: this.reading, ledger: this.ledger },
    };
  }

  /** Emits its records at `at` (ms on its scheduler), then completes if `complete`. */
  emitting(
    at: Record<string, number>,
    end?: { complete?: number; error?: number },
  ): Observable<KinesisRecord> {
    return new Observable<KinesisRecord>((subscriber) => {
      const actions = Object.entries(at).map(([sequenceNumber, ms]) =>
        this.scheduler.schedule(() => subscriber.next(this.record(sequenceNumber)), ms),
      );
      if (end?.complete !== undefined)
        actions.push(this.scheduler.schedule(() => subscriber.complete(), end.complete));
      if (end?.error !== undefined)
        actions.push(this.scheduler.schedule(() => subscriber.error(new Error('read failed')), end.error));
      return () => actions.forEach((action) => action.unsubscribe());
    });
  }
}

function virtual(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

function runTo(scheduler: TestScheduler, ms: number): void {
  scheduler.maxFrames = ms;
  scheduler.flush();
}

test("two consumers merged: the timer runs on the first one met and writes the other's passes too", () => {
  const first = virtual();
  const second = virtual();
  const log: string[] = [];
  const a = new Shard('a', first, log);
  const b = new Shard('b', second, log);
  const subscription = merge(a.emitting({ '1': 1 }), b.emitting({ '2': 1 }))
    .pipe(checkpoint({ intervalMs: 5 }))
    .subscribe();
  runTo(first, 2);
  runTo(second, 2);
  // One timer, on the first consumer's scheduler: the second's time passing writes nothing.
  expect(first.actions).toHaveLength(1);
  expect(second.actions).toEqual([]);
  runTo(second, 50);
  expect(log).toEqual(['a pass 1', 'b pass 2']);
  runTo(first, 7);
  expect(log).toEqual(['a pass 1', 'b pass 2', 'a commit', 'b commit']);
  subscription.unsubscribe();
  expect(first.actions).toEqual([]);
  expect(second.actions).toEqual([]);
});

test('retry(): each run has one timer on the consumer scheduler, none left after the last', () => {
  const time = virtual();
  const log: string[] = [];
  const shard = new Shard('a', time, log);
  let runs = 0;
  const subscription = new Observable<KinesisRecord>((subscriber) => {
    runs += 1;
    return shard.emitting({ [String(runs)]: 1 }, { error: 3 }).subscribe(subscriber);
  })
    .pipe(checkpoint({ intervalMs: 10 }), retry(2))
    .subscribe({ error: () => undefined });
  for (let ms = 1; ms <= 20; ms += 1) {
    runTo(time, ms);
    // The run's record (until it came), its error, and at most one timer.
    expect(time.actions.length).toBeLessThanOrEqual(3);
  }
  expect(runs).toBe(3);
  // Each run's error flushed its pass; no timer fired (each ended before 10 ms).
  expect(log).toEqual(['a pass 1', 'a commit', 'a pass 2', 'a commit', 'a pass 3', 'a commit']);
  expect(time.actions).toEqual([]);
  subscription.unsubscribe();
});

test('repeat(): a run that completes leaves no timer, the next one starts its own', () => {
  const time = virtual();
  const log: string[] = [];
  const shard = new Shard('a', time, log);
  let runs = 0;
  const subscription = new Observable<KinesisRecord>((subscriber) => {
    runs += 1;
    return shard.emitting({ [String(runs)]: 1 }, { complete: 30 }).subscribe(subscriber);
  })
    .pipe(checkpoint({ intervalMs: 10 }), repeat(2))
    .subscribe();
  runTo(time, 100);
  expect(runs).toBe(2);
  expect(log).toEqual(['a pass 1', 'a commit', 'a pass 2', 'a commit']);
  expect(time.actions).toEqual([]);
  subscription.unsubscribe();
});

test('take(1) after checkpoint(): unsubscribed from inside the first record, no timer is started', () => {
  const time = virtual();
  const log: string[] = [];
  const shard = new Shard('a', time, log);
  const records = new Subject<KinesisRecord>();
  records.pipe(checkpoint({ intervalMs: 5 }), take(1)).subscribe();
  records.next(shard.record('1'));
  records.next(shard.record('2'));
  expect(log).toEqual(['a pass 1', 'a commit']);
  expect(time.actions).toEqual([]);
});
