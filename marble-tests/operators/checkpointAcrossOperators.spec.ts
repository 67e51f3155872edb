// Several checkpoint() operators in one subscriber's pipeline see the same shard: the order
// check is kept per subscriber and reading, not per operator, so a shard split across them
// (groupBy on a key other than the shard, a checkpoint() inside mergeMap's inner pipelines)
// errors with OutOfOrderCheckpointError instead of committing one group's records on the word
// of another. Safe compositions do not error: groupBy on the shard, checkpoint()s in a row,
// concurrent mode, inner pipelines kept in order (concatMap), groups that stay in order.
import { concatMap, groupBy, map, mergeMap, of, Subscriber, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { OutOfOrderCheckpointError } from '../../src/consumer/errors/OutOfOrderCheckpointError.js';
import type { KinesisItem } from '../../src/consumer/KinesisItem.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type ReadingLink } from '../../src/consumer/RecordTracking.js';
import { SubscriberLedger } from '../../src/consumer/SubscriberLedger.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { deserialize } from '../../src/operators/deserialize.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';

class Stand {
  readonly checkpointer = new MemoryCheckpointer();
  readonly passes: string[] = [];
  readonly ledger: SubscriberLedger;
  private readonly readings = new Map<string, ReadingLink>();

  constructor(scheduler: TestScheduler) {
    this.ledger = new SubscriberLedger(1, new Subscriber<KinesisRecord>(), scheduler, undefined);
  }

  reading(shardId: string): ReadingLink {
    let reading = this.readings.get(shardId);
    if (reading === undefined) {
      reading = {
        shardId,
        checkpointer: this.checkpointer,
        passed: (_ledger, sequenceNumber, sub) =>
          void this.passes.push(`${shardId}:${sequenceNumber}${sub === undefined ? '' : `.${sub}`}`),
        skipped: () => undefined,
        itemsDecoded: () => undefined,
        itemsDone: () => 0,
        whenSettled: () => () => undefined,
        commit: () => Promise.resolve(),
      };
      this.readings.set(shardId, reading);
    }
    return reading;
  }

  record(shardId: string, sequenceNumber: string, partitionKey = 'k', data = '1'): KinesisRecord {
    return {
      streamName: 'orders',
      shardId,
      sequenceNumber,
      partitionKey,
      data: new TextEncoder().encode(data),
      approximateArrivalTimestamp: new Date(0),
      [CONSUMER_CONTEXT]: { processor: jsonProcessor() },
      [RECORD_HANDLE]: { reading: this.reading(shardId), ledger: this.ledger },
    };
  }
}

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const delayBy = (ms: (r: KinesisRecord) => number) =>
  concatMap((r: KinesisRecord) => timer(ms(r)).pipe(map(() => r)));

test('groupBy on the partition key, a checkpoint() per group: an earlier record passing after a later one errors', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const stand = new Stand(scheduler);
    const rs = [stand.record('A', '1', 'slow'), stand.record('A', '2', 'fast')];
    const out = (cold('ab|', { a: rs[0], b: rs[1] }) as Observable<KinesisRecord>).pipe(
      groupBy((r) => r.partitionKey),
      mergeMap((group) =>
        group.pipe(
          delayBy((r) => (r.partitionKey === 'slow' ? 5 : 1)),
          checkpoint({ intervalMs: 0 }),
        ),
      ),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe('--b--#', { b: '2' }, expect.any(OutOfOrderCheckpointError));
    flush();
    expect(stand.passes).toEqual(['A:2']);
  });
});

test('the error names the late record and the other checkpoint()', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const stand = new Stand(scheduler);
    const rs = [stand.record('A', '1', 'slow'), stand.record('A', '2', 'fast')];
    const out = (cold('ab|', { a: rs[0], b: rs[1] }) as Observable<KinesisRecord>).pipe(
      groupBy((r) => r.partitionKey),
      mergeMap((group) =>
        group.pipe(
          delayBy((r) => (r.partitionKey === 'slow' ? 5 : 1)),
          checkpoint({ intervalMs: 0 }),
        ),
      ),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe(
      '--b--#',
      { b: '2' },
      expect.objectContaining({
        name: 'OutOfOrderCheckpointError',
        context: { streamName: 'orders', shardId: 'A', sequenceNumber: '1' },
        message: expect.stringContaining('another checkpoint() of this subscriber'),
      }),
    );
  });
});

test('groupBy on the partition key with a concurrent checkpoint() per group errors the same way', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const stand = new Stand(scheduler);
    const rs = [stand.record('A', '1', 'slow'), stand.record('A', '2', 'fast')];
    const out = (cold('ab|', { a: rs[0], b: rs[1] }) as Observable<KinesisRecord>).pipe(
      groupBy((r) => r.partitionKey),
      mergeMap((group) =>
        group.pipe(
          checkpoint({
            mode: 'concurrent',
            intervalMs: 0,
            process: (r: KinesisRecord) => timer(r.partitionKey === 'slow' ? 5 : 1),
          }),
        ),
      ),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe('--b--#', { b: '2' }, expect.any(OutOfOrderCheckpointError));
    flush();
    expect(stand.passes).toEqual(['A:2']);
  });
});

test('a checkpoint() inside mergeMap inner pipelines: an inner finishing first does not commit the others', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const stand = new Stand(scheduler);
    const rs = ['1', '2'].map((s) => stand.record('A', s));
    const out = (cold('ab|', { a: rs[0], b: rs[1] }) as Observable<KinesisRecord>).pipe(
      mergeMap((r) =>
        of(r).pipe(
          delayBy(() => (r.sequenceNumber === '1' ? 5 : 1)),
          checkpoint({ intervalMs: 0 }),
        ),
      ),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe('--b--#', { b: '2' }, expect.any(OutOfOrderCheckpointError));
  });
});

describe('safe compositions do not error', () => {
  test('groupBy on the shard id, a checkpoint() per group, shards at different speeds', () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const stand = new Stand(scheduler);
      const values = {
        a: stand.record('A', '1'),
        b: stand.record('B', '1'),
        c: stand.record('A', '2'),
        d: stand.record('B', '2'),
      };
      const out = (cold('abcd|', values) as Observable<KinesisRecord>).pipe(
        groupBy((r) => r.shardId),
        mergeMap((group) =>
          group.pipe(
            delayBy((r) => (r.shardId === 'A' ? 5 : 1)),
            checkpoint({ intervalMs: 0 }),
          ),
        ),
        map((r) => `${r.shardId}${r.sequenceNumber}`),
      );
      expectObservable(out).toBe('--b-da----(c|)', { a: 'A1', b: 'B1', c: 'A2', d: 'B2' });
      flush();
      expect(stand.passes).toEqual(['B:1', 'B:2', 'A:1', 'A:2']);
    });
  });

  test('groupBy on the partition key with synchronous groups (they stay in order)', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const stand = new Stand(scheduler);
      const values = {
        a: stand.record('A', '1', 'x'),
        b: stand.record('A', '2', 'y'),
        c: stand.record('A', '3', 'x'),
      };
      const out = (cold('abc|', values) as Observable<KinesisRecord>).pipe(
        groupBy((r) => r.partitionKey),
        mergeMap((group) => group.pipe(checkpoint({ intervalMs: 0 }))),
        map((r) => r.sequenceNumber),
      );
      expectObservable(out).toBe('abc|', { a: '1', b: '2', c: '3' });
    });
  });

  test('checkpoint()s in a row, ordered then concurrent (the second passes behind the first)', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const stand = new Stand(scheduler);
      const rs = ['1', '2'].map((s) => stand.record('A', s));
      const out = (cold('ab|', { a: rs[0], b: rs[1] }) as Observable<KinesisRecord>).pipe(
        checkpoint({ intervalMs: 0 }),
        checkpoint({ mode: 'concurrent', intervalMs: 0, process: () => timer(3) }),
        checkpoint({ intervalMs: 0 }),
        map((r) => r.sequenceNumber),
      );
      expectObservable(out).toBe('---a(b|)', { a: '1', b: '2' });
    });
  });

  test('checkpoint() of whole records, deserialize(), then checkpoint() of their items', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const stand = new Stand(scheduler);
      const source = cold('a|', { a: stand.record('A', '1', 'k', '{"n":1}') }) as Observable<KinesisRecord>;
      const out = source.pipe(
        checkpoint({ intervalMs: 0 }),
        deserialize<{ n: number }>(),
        checkpoint({ intervalMs: 0 }),
        map((item: KinesisItem<{ n: number }>) => item.data.n),
      );
      expectObservable(out).toBe('a|', { a: 1 });
    });
  });

  test('a checkpoint() inside concatMap inner pipelines', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const stand = new Stand(scheduler);
      const rs = ['1', '2', '3'].map((s) => stand.record('A', s));
      const out = (cold('abc|', { a: rs[0], b: rs[1], c: rs[2] }) as Observable<KinesisRecord>).pipe(
        concatMap((r) =>
          of(r).pipe(
            delayBy(() => (r.sequenceNumber === '1' ? 5 : 1)),
            checkpoint({ intervalMs: 0 }),
          ),
        ),
        map((r) => r.sequenceNumber),
      );
      expectObservable(out).toBe('-----ab(c|)', { a: '1', b: '2', c: '3' });
    });
  });

  test('one concurrent checkpoint() taking completions out of order', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const stand = new Stand(scheduler);
      const rs = ['1', '2'].map((s) => stand.record('A', s));
      const out = (cold('ab|', { a: rs[0], b: rs[1] }) as Observable<KinesisRecord>).pipe(
        checkpoint({
          mode: 'concurrent',
          intervalMs: 0,
          process: (r: KinesisRecord) => timer(r.sequenceNumber === '1' ? 5 : 1),
        }),
        map((r) => r.sequenceNumber),
      );
      expectObservable(out).toBe('--b--(a|)', { a: '1', b: '2' });
    });
  });
});
