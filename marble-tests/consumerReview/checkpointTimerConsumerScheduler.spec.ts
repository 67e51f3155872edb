// Case: checkpoint() given no scheduler, after a fromKinesis() given one (virtual time here, the
// test's own TestScheduler outside run(), so asyncScheduler stays real). Its intervalMs timer
// must run on the consumer's scheduler: learned from the consumer's ledger when the pipeline
// starts the consumer, else from the first record. A scheduler given to checkpoint() still wins,
// and unsubscribing leaves no timer on either scheduler.
import { Observable, Subject, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { currentCheckpointSink } from '../../src/consumer/checkpointBinding.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type LedgerLink, type ReadingLink } from '../../src/consumer/RecordTracking.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';

/** One shard of a consumer running on `scheduler`: logs passes and commits at its time. */
class ConsumerOn {
  readonly log: string[] = [];
  readonly ledger: LedgerLink;
  readonly reading: ReadingLink;

  constructor(
    private readonly scheduler: SchedulerLike,
    /** Whether the ledger tells its scheduler (a real one does; a record's context tells it too). */
    ledgerKnowsScheduler = true,
  ) {
    const now = (): number => scheduler.now();
    this.ledger = {
      id: 1,
      ...(ledgerKnowsScheduler ? { scheduler } : {}),
      passedLast: new WeakMap(),
      addSink: () => undefined,
      removeSink: () => undefined,
      settledByDrop: () => undefined,
      distrustAll: () => undefined,
    };
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
      [CONSUMER_CONTEXT]: { processor: jsonProcessor(), scheduler: this.scheduler },
      [RECORD_HANDLE]: { reading: this.reading, ledger: this.ledger },
    };
  }

  /** The consumer's records, emitted at `at` (virtual ms); announces its ledger when subscribed, as fromKinesis() does. */
  emitting(at: Record<string, number>, announce = false): Observable<KinesisRecord> {
    return new Observable<KinesisRecord>((subscriber) => {
      if (announce) currentCheckpointSink()?.attached?.(this.ledger);
      const actions = Object.entries(at).map(([sequenceNumber, ms]) =>
        this.scheduler.schedule(() => subscriber.next(this.record(sequenceNumber)), ms),
      );
      return () => actions.forEach((action) => action.unsubscribe());
    });
  }
}

let consumerTime: TestScheduler;

beforeEach(() => {
  consumerTime = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

/** Runs the consumer's virtual time to `ms`. */
function runTo(ms: number): void {
  consumerTime.maxFrames = ms;
  consumerTime.flush();
}

test('no scheduler given: the interval runs on the scheduler of the consumer whose record came first', () => {
  const shard = new ConsumerOn(consumerTime, false);
  const subscription = shard
    .emitting({ '1': 2, '2': 9 })
    .pipe(checkpoint({ intervalMs: 5 }))
    .subscribe();
  runTo(20);
  // The timer started with the first record (at 2): it writes at 7 and 12, nothing new at 17.
  expect(shard.log).toEqual(['2 pass 1', '7 commit', '9 pass 2', '12 commit']);
  subscription.unsubscribe();
  expect(consumerTime.actions).toEqual([]);
});

test('no scheduler given, the pipeline starts the consumer: the timer starts at subscribe on its scheduler', () => {
  const shard = new ConsumerOn(consumerTime);
  const subscription = shard
    .emitting({ '1': 3 }, true)
    .pipe(checkpoint({ intervalMs: 5 }))
    .subscribe();
  // The record's action and the timer, both in virtual time.
  expect(consumerTime.actions).toHaveLength(2);
  runTo(11);
  expect(shard.log).toEqual(['3 pass 1', '5 commit']);
  subscription.unsubscribe();
  expect(consumerTime.actions).toEqual([]);
});

test("a scheduler given to checkpoint() still times the interval, not the consumer's", () => {
  const own = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const shard = new ConsumerOn(consumerTime);
  const subscription = shard
    .emitting({ '1': 1 }, true)
    .pipe(checkpoint({ intervalMs: 5, scheduler: own }))
    .subscribe();
  expect(own.actions).toHaveLength(1);
  runTo(20);
  // The consumer's time passes without a write: only the pass is logged.
  expect(shard.log).toEqual(['1 pass 1']);
  own.maxFrames = 5;
  own.flush();
  // Logged at the consumer's clock, left at its last action (1).
  expect(shard.log).toEqual(['1 pass 1', '1 commit']);
  subscription.unsubscribe();
  expect(own.actions).toEqual([]);
  expect(consumerTime.actions).toEqual([]);
});

test('records through a Subject (consumer met late): unsubscribing before the first record leaves no timer', () => {
  const shard = new ConsumerOn(consumerTime);
  const records = new Subject<KinesisRecord>();
  const subscription = records.pipe(checkpoint({ intervalMs: 5 })).subscribe();
  expect(consumerTime.actions).toEqual([]);
  records.next(shard.record('1'));
  expect(consumerTime.actions).toHaveLength(1);
  subscription.unsubscribe();
  expect(consumerTime.actions).toEqual([]);
  // The flush at unsubscribe wrote the pass; the timer is gone.
  expect(shard.log).toEqual(['0 pass 1', '0 commit']);
});
