// Case: checkpoint()'s interval timer (on the injected scheduler) in pipelines that end and
// start again: timeout() erroring an idle pipeline before checkpoint(), retry() and repeat()
// resubscribing the whole pipeline. Each subscription's timer must end with it (the error or
// completion flushes once, then no commit from it), each new subscription starts its own, and
// no scheduled action is left once the pipeline ended.
import { concatMap, defer, map, repeat, retry, take, throwError, timeout, timer, TimeoutError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type LedgerLink, type ReadingLink } from '../../src/consumer/RecordTracking.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';

/** A stand-in for one shard's reading that logs passes and commits at virtual time. */
class RecordingReading {
  readonly log: string[] = [];
  readonly ledger: LedgerLink = {
    id: 1,
    passedLast: new WeakMap(),
    addSink: () => undefined,
    removeSink: () => undefined,
    settledByDrop: () => undefined,
    distrustAll: () => undefined,
  };
  readonly reading: ReadingLink;

  constructor(now: () => number) {
    this.reading = {
      shardId: 's0',
      checkpointer: new MemoryCheckpointer(),
      passed: (_ledger, sequenceNumber) => void this.log.push(`${now()} pass ${sequenceNumber}`),
      skipped: () => undefined,
      itemsDecoded: () => undefined,
      itemsDone: () => Number.POSITIVE_INFINITY,
      whenSettled: () => () => undefined,
      commit: () => {
        this.log.push(`${now()} commit`);
        return Promise.resolve();
      },
    };
  }

  record(sequenceNumber: string): KinesisRecord {
    return {
      streamName: 'orders',
      shardId: 's0',
      sequenceNumber,
      partitionKey: 'k',
      data: new Uint8Array(0),
      approximateArrivalTimestamp: new Date(0),
      [CONSUMER_CONTEXT]: { processor: jsonProcessor() },
      [RECORD_HANDLE]: { reading: this.reading, ledger: this.ledger },
    };
  }
}

let scheduler: TestScheduler;

/** Runs virtual time up to frame 1000 (run() alone would never end with a timer left) and checks nothing is left. */
function flushLeavingNoTimer(flush: () => void): void {
  scheduler.maxFrames = 1000;
  flush();
  expect(scheduler.actions).toEqual([]);
}

beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

test('timeout() before checkpoint(): the error flushes once, the timer stops with it', () => {
  scheduler.run(({ hot, expectObservable, flush }) => {
    const shard = new RecordingReading(() => scheduler.now());
    const [r1, r2] = [shard.record('1'), shard.record('2')];
    const source = hot('a-b---------------------', { a: r1, b: r2 });
    expectObservable(
      source.pipe(
        timeout({ each: 5, with: () => throwError(() => new TimeoutError()) }),
        checkpoint({ intervalMs: 3 }),
      ),
    ).toBe('a-b----#', { a: r1, b: r2 }, new TimeoutError());
    flushLeavingNoTimer(flush);
    // The interval wrote both passes; the error at 7 finds nothing new to write.
    expect(shard.log).toEqual(['0 pass 1', '2 pass 2', '3 commit']);
  });
});

test('retry() around the pipeline after a handler error: the failed run commits what passed, only the new run commits after', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const shard = new RecordingReading(() => scheduler.now());
    const [r1, r2, r3] = [shard.record('1'), shard.record('2'), shard.record('3')];
    let runs = 0;
    // Each subscription reads from the stored position on: the first run fails on record 2.
    const consumer = defer(() => {
      runs += 1;
      return runs === 1 ? cold('a-b-----|', { a: r1, b: r2 }) : cold('b-c-----|', { b: r2, c: r3 });
    });
    const failOnce = (record: KinesisRecord) =>
      runs === 1 && record === r2
        ? throwError(() => new Error('handler failed'))
        : timer(1).pipe(map(() => record));
    expectObservable(consumer.pipe(concatMap(failOnce), checkpoint({ intervalMs: 4 }), retry(1))).toBe(
      '-a-b-c----|',
      { a: r1, b: r2, c: r3 },
    );
    flushLeavingNoTimer(flush);
    expect(shard.log).toEqual([
      '1 pass 1',
      '2 commit', // the error flushes the first run's passes (its timer would have fired at 4)
      // Second run: its own timer starts with its first record (at 3; the records tell no
      // consumer's scheduler, so asyncScheduler, virtual in run()) and fires at 7.
      '3 pass 2',
      '5 pass 3',
      '7 commit',
    ]);
  });
});

test('repeat() after take(): each run flushes at its end and leaves no timer behind', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const shard = new RecordingReading(() => scheduler.now());
    const records = ['1', '2', '3', '4'].map((sequenceNumber) => shard.record(sequenceNumber));
    let runs = 0;
    const consumer = defer(() => {
      const from = runs * 2;
      runs += 1;
      return cold('-a--b--------', { a: records[from], b: records[from + 1] });
    });
    expectObservable(consumer.pipe(checkpoint({ intervalMs: 10 }), take(2), repeat(2))).toBe('-a--bc--(d|)', {
      a: records[0],
      b: records[1],
      c: records[2],
      d: records[3],
    });
    flushLeavingNoTimer(flush);
    expect(shard.log).toEqual(['1 pass 1', '4 pass 2', '4 commit', '5 pass 3', '8 pass 4', '8 commit']);
  });
});
