import { concatMap, groupBy, map, mergeMap, Observable, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { KinesisItem } from '../../src/consumer/KinesisItem.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type LedgerLink, type ReadingLink } from '../../src/consumer/RecordTracking.js';
import { ShardProgress } from '../../src/consumer/ShardProgress.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { checkpointFilter } from '../../src/operators/checkpointFilter.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';

/**
 * A consumer stand-in that tracks its records in a real ShardProgress per shard (like a reading
 * does) for one subscriber (ledger 1) and logs every report and every change of the committable
 * position.
 */
class ProgressLink {
  readonly checkpointer = new MemoryCheckpointer();
  readonly log: string[] = [];
  readonly ledger: LedgerLink = {
    id: 1,
    passedLast: new WeakMap(),
    addSink: () => undefined,
    removeSink: () => undefined,
    settledByDrop: () => undefined,
    distrustAll: () => undefined,
  };
  private readonly progress = new Map<string, ShardProgress>();
  private readonly readings = new Map<string, ReadingLink>();
  constructor(private readonly now: () => number) {}

  record(shardId: string, sequenceNumber: string): KinesisRecord {
    this.shard(shardId).add(sequenceNumber, [this.ledger.id]);
    return {
      streamName: 'orders',
      shardId,
      sequenceNumber,
      partitionKey: 'k',
      data: new Uint8Array(0),
      approximateArrivalTimestamp: new Date(0),
      [CONSUMER_CONTEXT]: { processor: jsonProcessor() },
      [RECORD_HANDLE]: { reading: this.reading(shardId), ledger: this.ledger },
    };
  }

  /** The records as fromKinesis() would emit them. */
  source<T>(values: Observable<T>): Observable<T> {
    return values;
  }

  private reading(shardId: string): ReadingLink {
    let reading = this.readings.get(shardId);
    if (reading !== undefined) return reading;
    const progress = this.shard(shardId);
    reading = {
      shardId,
      checkpointer: this.checkpointer,
      passed: (ledger, sequenceNumber, sub) => {
        this.log.push(`${this.now()} pass ${sequenceNumber}${sub === undefined ? '' : `.${sub}`}`);
        this.report(shardId, progress.pass(ledger.id, sequenceNumber, sub));
      },
      skipped: (ledger, sequenceNumber, sub, count, doneThrough) => {
        this.log.push(`${this.now()} skip ${sequenceNumber}${sub === undefined ? '' : `.${sub}/${count}`}`);
        this.report(shardId, progress.skip(sequenceNumber, sub, count, ledger.id, doneThrough ?? -1));
      },
      itemsDecoded: () => undefined,
      itemsDone: () => Number.POSITIVE_INFINITY,
      whenSettled: () => () => undefined,
      commit: () => Promise.resolve(),
    };
    this.readings.set(shardId, reading);
    return reading;
  }

  private shard(shardId: string): ShardProgress {
    let progress = this.progress.get(shardId);
    if (progress === undefined) this.progress.set(shardId, (progress = new ShardProgress()));
    return progress;
  }
  private report(shardId: string, released: number): void {
    const progress = this.shard(shardId);
    const at = progress.committable;
    const position =
      at === undefined
        ? '-'
        : `${at.sequenceNumber}${at.subSequenceNumber === undefined ? '' : `.${at.subSequenceNumber}`}`;
    this.log.push(`  ${shardId} released ${released}, committable ${position}, in flight ${progress.size}`);
  }
}

function item(source: KinesisRecord, sub: number, count: number): KinesisItem<number> {
  return {
    data: sub,
    record: source,
    streamName: source.streamName,
    shardId: source.shardId,
    sequenceNumber: source.sequenceNumber,
    subSequenceNumber: sub,
    subRecordCount: count,
    partitionKey: source.partitionKey,
    approximateArrivalTimestamp: source.approximateArrivalTimestamp,
  };
}

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

test('a dropped item behind a slow concatMap settles alone: nothing is committed ahead of the unfinished item', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new ProgressLink(() => scheduler.now());
    const rs = ['1', '2', '3'].map((s) => link.record('s0', s));
    const out = link.source(cold('abc|', { a: rs[0], b: rs[1], c: rs[2] })).pipe(
      checkpointFilter((r: KinesisRecord) => r.sequenceNumber !== '3'),
      concatMap((r) => timer(5).pipe(map(() => r))),
      checkpoint({ intervalMs: 0 }),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe('-----a----(b|)', { a: '1', b: '2' });
    flush();
    expect(link.log).toEqual([
      // '3' is dropped while '1' is still in concatMap: it leaves no committable position.
      '2 skip 3',
      '  s0 released 0, committable -, in flight 3',
      '5 pass 1',
      '  s0 released 1, committable 1, in flight 2',
      // '2' passes: the dropped last record no longer holds the shard.
      '10 pass 2',
      '  s0 released 2, committable 3, in flight 0',
    ]);
  });
});

test('items of an aggregated record: the dropped last items complete it, earlier ones still wait', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new ProgressLink(() => scheduler.now());
    const r = link.record('s0', '7');
    const items = [0, 1, 2, 3].map((sub) => item(r, sub, 4));
    const out = link.source(cold('abcd|', { a: items[0], b: items[1], c: items[2], d: items[3] })).pipe(
      checkpointFilter((i: KinesisItem<number>) => i.data < 2),
      concatMap((i) => timer(i.data === 0 ? 10 : 1).pipe(map(() => i))),
      checkpoint({ intervalMs: 0 }),
      map((i) => i.data),
    );
    expectObservable(out).toBe('----------a(b|)', { a: 0, b: 1 });
    flush();
    expect(link.log).toEqual([
      '2 skip 7.2/4',
      '  s0 released 0, committable -, in flight 1',
      '3 skip 7.3/4',
      '  s0 released 0, committable -, in flight 1',
      '10 pass 7.0',
      '  s0 released 0, committable 7.0, in flight 1',
      // Item 1 passes (items 0..1); with 2 and 3 dropped, the record is done.
      '11 pass 7.1',
      '  s0 released 1, committable 7, in flight 0',
    ]);
  });
});

test('per-shard groups (groupBy + concatMap): a drop in one shard never settles another', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new ProgressLink(() => scheduler.now());
    const a1 = link.record('A', '1');
    const a2 = link.record('A', '2');
    const b1 = link.record('B', '1');
    const b2 = link.record('B', '2');
    const out = link.source(cold('(abcd)|', { a: a1, b: b1, c: a2, d: b2 })).pipe(
      checkpointFilter((r: KinesisRecord) => r.sequenceNumber === '1'),
      groupBy((r) => r.shardId),
      mergeMap((group) => group.pipe(concatMap((r) => timer(r.shardId === 'A' ? 4 : 2).pipe(map(() => r))))),
      checkpoint({ intervalMs: 0 }),
      map((r) => `${r.shardId}${r.sequenceNumber}`),
    );
    expectObservable(out).toBe('--a-b-|', { a: 'B1', b: 'A1' });
    flush();
    expect(link.log).toEqual([
      '0 skip 2',
      '  A released 0, committable -, in flight 2',
      '0 skip 2',
      '  B released 0, committable -, in flight 2',
      '2 pass 1',
      '  B released 2, committable 2, in flight 0',
      '4 pass 1',
      '  A released 2, committable 2, in flight 0',
    ]);
  });
});

test('a drop inside a projection (per groupBy group) settles the record for its own pipeline', () => {
  scheduler.run(({ cold, flush }) => {
    const link = new ProgressLink(() => scheduler.now());
    const rs = ['1', '2'].map((s) => link.record('s0', s));
    link
      .source(cold('ab|', { a: rs[0], b: rs[1] }))
      .pipe(
        groupBy((r) => r.shardId),
        mergeMap((group) => group.pipe(checkpointFilter(() => false))),
        checkpoint({ intervalMs: 0 }),
      )
      .subscribe();
    flush();
    expect(link.log).toEqual([
      '0 skip 1',
      '  s0 released 1, committable 1, in flight 1',
      '1 skip 2',
      '  s0 released 1, committable 2, in flight 0',
    ]);
  });
});

test('passes kept values unchanged with their index, drops foreign values silently, errors when the predicate throws', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const link = new ProgressLink(() => scheduler.now());
    const r1 = link.record('s0', '1');
    const foreign = { ...r1, [CONSUMER_CONTEXT]: undefined, [RECORD_HANDLE]: undefined };
    const indexes: number[] = [];
    expectObservable(
      cold('abc|', { a: foreign, b: r1, c: r1 }).pipe(
        checkpointFilter((_value: KinesisRecord, index) => {
          indexes.push(index);
          return index === 1;
        }),
      ),
    ).toBe('-b-|', { b: r1 });
    const boom = new Error('boom');
    expectObservable(
      cold('a|', { a: r1 }).pipe(
        checkpointFilter(() => {
          throw boom;
        }),
      ),
    ).toBe('#', undefined, boom);
    scheduler.flush();
    expect(indexes).toEqual([0, 1, 2]);
  });
});

test('rejects a predicate that is not a function', () => {
  expect(() => checkpointFilter(undefined as unknown as () => boolean)).toThrow(InvalidOptionError);
});
