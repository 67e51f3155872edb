// One checkpoint() taking the records of two direct subscribers of one consumer (each with its
// own ledger, merged back after routing them apart with checkpointFilter()). The consumer
// settles each subscriber's records apart (ShardProgress keeps one pending set per ledger), so
// a faster branch passing later records is no sign of disorder, and each branch's passes must
// reach the consumer for its own ledger.
import { concatMap, map, merge, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type LedgerLink, type ReadingLink } from '../../src/consumer/RecordTracking.js';
import { ShardProgress } from '../../src/consumer/ShardProgress.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { checkpointFilter } from '../../src/operators/checkpointFilter.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';

function ledger(id: number): LedgerLink {
  return {
    id,
    passedLast: new WeakMap(),
    addSink: () => undefined,
    removeSink: () => undefined,
    settledByDrop: () => undefined,
    distrustAll: () => undefined,
  };
}

/** One shard read for two subscribers: a real ShardProgress, and each record emitted to both. */
class TwoSubscribers {
  readonly checkpointer = new MemoryCheckpointer();
  readonly progress = new ShardProgress();
  readonly ledgers = [ledger(1), ledger(2)] as const;
  readonly reading: ReadingLink = {
    shardId: 'A',
    checkpointer: this.checkpointer,
    passed: (by, sequenceNumber, sub) => void this.progress.pass(by.id, sequenceNumber, sub),
    skipped: (by, sequenceNumber, sub, count, through) =>
      void this.progress.skip(sequenceNumber, sub, count, by.id, through ?? -1),
    itemsDecoded: () => undefined,
    itemsDone: () => Number.POSITIVE_INFINITY,
    whenSettled: () => () => undefined,
    commit: () => Promise.resolve(),
  };

  /** Record `sequenceNumber` (its data says which branch handles it), as each subscriber gets it. */
  emit(sequenceNumber: string, kind: 'slow' | 'fast'): [KinesisRecord, KinesisRecord] {
    this.progress.add(sequenceNumber, [1, 2]);
    const [first, second] = this.ledgers.map((owner): KinesisRecord => ({
      streamName: 'orders',
      shardId: 'A',
      sequenceNumber,
      partitionKey: kind,
      data: new Uint8Array(0),
      approximateArrivalTimestamp: new Date(0),
      [CONSUMER_CONTEXT]: { processor: jsonProcessor() },
      [RECORD_HANDLE]: { reading: this.reading, ledger: owner },
    }));
    return [first as KinesisRecord, second as KinesisRecord];
  }

  get committable(): string {
    return this.progress.committable?.sequenceNumber ?? '-';
  }
}

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const work = (r: KinesisRecord): Observable<KinesisRecord> =>
  timer(r.partitionKey === 'slow' ? 6 : 1).pipe(map(() => r));

test('ordered: the fast branch passing a later record first is not out of order; nothing commits ahead of the slow one', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const stand = new TwoSubscribers();
    const [r1a, r1b] = stand.emit('1', 'slow');
    const [r2a, r2b] = stand.emit('2', 'fast');
    const branch = (records: Observable<KinesisRecord>, kind: string) =>
      records.pipe(
        checkpointFilter((r) => r.partitionKey === kind),
        concatMap(work),
      );
    const seen: string[] = [];
    const out = merge(
      branch(cold('ab|', { a: r1a, b: r2a }), 'slow'),
      branch(cold('ab|', { a: r1b, b: r2b }), 'fast'),
    ).pipe(
      checkpoint({ intervalMs: 0 }),
      map((r) => {
        seen.push(`${r.sequenceNumber} committable ${stand.committable}`);
        return r.sequenceNumber;
      }),
    );
    expectObservable(out).toBe('--b---(a|)', { a: '1', b: '2' });
    flush();
    expect(seen).toEqual(['2 committable -', '1 committable 2']);
  });
});

test('concurrent: each branch settles its own records; the whole shard becomes committable', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const stand = new TwoSubscribers();
    const pairs = [
      stand.emit('1', 'slow'),
      stand.emit('2', 'fast'),
      stand.emit('3', 'slow'),
      stand.emit('4', 'fast'),
    ];
    const branch = (index: 0 | 1, kind: string) =>
      (
        cold('abcd|', {
          a: pairs[0]?.[index],
          b: pairs[1]?.[index],
          c: pairs[2]?.[index],
          d: pairs[3]?.[index],
        }) as Observable<KinesisRecord>
      ).pipe(checkpointFilter((r) => r.partitionKey === kind));
    const out = merge(branch(0, 'slow'), branch(1, 'fast')).pipe(
      checkpoint({ mode: 'concurrent', concurrency: 4, intervalMs: 0, process: work }),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe('--b-d-a-(c|)', { a: '1', b: '2', c: '3', d: '4' });
    flush();
    expect(stand.committable).toBe('4');
    expect(stand.progress.size).toBe(0);
  });
});
