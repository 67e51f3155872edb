import { concatMap, filter, map, merge, mergeMap, partition, share, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { CheckpointerConflictError } from '../../src/consumer/errors/CheckpointerConflictError.js';
import { MulticastCheckpointError } from '../../src/consumer/errors/MulticastCheckpointError.js';
import { OutOfOrderCheckpointError } from '../../src/consumer/errors/OutOfOrderCheckpointError.js';
import type { KinesisItem } from '../../src/consumer/KinesisItem.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { RECORD_HANDLE, type LedgerLink, type ReadingLink } from '../../src/consumer/RecordTracking.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';

/** A stand-in for the consumer's readings (one per shard) that records what checkpoint() reports, stamped with virtual time. */
class RecordingLink {
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
  private readonly readings = new Map<string, ReadingLink>();
  constructor(private readonly now: () => number) {}

  reading(shardId: string): ReadingLink {
    let reading = this.readings.get(shardId);
    if (reading === undefined) {
      reading = {
        shardId,
        checkpointer: this.checkpointer,
        passed: (_ledger, sequenceNumber, sub) =>
          void this.log.push(
            `${this.now()} pass ${shardId}:${sequenceNumber}${sub === undefined ? '' : `.${sub}`}`,
          ),
        skipped: () => undefined,
        itemsDecoded: () => undefined,
        itemsDone: () => Number.POSITIVE_INFINITY,
        whenSettled: () => () => undefined,
        commit: () => {
          this.log.push(`${this.now()} commit ${shardId}`);
          return Promise.resolve();
        },
      };
      this.readings.set(shardId, reading);
    }
    return reading;
  }
}

function record(link: RecordingLink, shardId: string, sequenceNumber: string): KinesisRecord {
  return {
    streamName: 'orders',
    shardId,
    sequenceNumber,
    partitionKey: 'k',
    data: new Uint8Array(0),
    approximateArrivalTimestamp: new Date(0),
    [CONSUMER_CONTEXT]: { processor: jsonProcessor() },
    [RECORD_HANDLE]: { reading: link.reading(shardId), ledger: link.ledger },
  };
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

test('ordered mode: passes items through unchanged and reports each position in order', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const r1 = record(link, 's0', '1');
    const r2 = record(link, 's0', '2');
    const source = cold('a-b-c|', { a: item(r1, 0, 2), b: item(r1, 1, 2), c: r2 });
    expectObservable(source.pipe(checkpoint<KinesisItem<number> | KinesisRecord>({ intervalMs: 0 }))).toBe(
      'a-b-c|',
      {
        a: item(r1, 0, 2),
        b: item(r1, 1, 2),
        c: r2,
      },
    );
    flush();
    // Item 0 of 2 is a partial position; the last item (and a raw record) is the whole record.
    expect(link.log).toEqual(['0 pass s0:1.0', '2 pass s0:1', '4 pass s0:2', '5 commit s0']);
  });
});

test('ordered mode behind filter and concatMap: a filtered item never blocks later positions', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const rs = ['1', '2', '3'].map((s) => record(link, 's0', s));
    const source = cold('abc|', { a: rs[0], b: rs[1], c: rs[2] });
    const out = source.pipe(
      filter((r) => r.sequenceNumber !== '2'),
      concatMap((r) => timer(5).pipe(map(() => r))),
      checkpoint({ intervalMs: 0 }),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe('-----a----(b|)', { a: '1', b: '3' });
    flush();
    expect(link.log).toEqual(['5 pass s0:1', '10 pass s0:3', '10 commit s0']);
  });
});

test('batches writes by count and by interval, and flushes on unsubscribe', () => {
  scheduler.run(({ hot, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const rs = Array.from({ length: 5 }, (_, i) => record(link, 's0', String(i + 1)));
    const source = hot('abc------d--e--', { a: rs[0], b: rs[1], c: rs[2], d: rs[3], e: rs[4] });
    expectObservable(source.pipe(checkpoint({ batchSize: 3, intervalMs: 10 })), '^-------------!').toBe(
      'abc------d--e-',
      {
        a: rs[0],
        b: rs[1],
        c: rs[2],
        d: rs[3],
        e: rs[4],
      },
    );
    flush();
    expect(link.log).toEqual([
      '0 pass s0:1',
      '1 pass s0:2',
      '2 pass s0:3',
      '2 commit s0', // 3 items
      '9 pass s0:4',
      '10 commit s0', // interval, 1 item pending
      '12 pass s0:5',
      '14 commit s0', // unsubscribe flush
    ]);
  });
});

test('the interval writes nothing when nothing passed since the last write', () => {
  scheduler.run(({ hot, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const r1 = record(link, 's0', '1');
    const source = hot('a-------------------', { a: r1 });
    expectObservable(source.pipe(checkpoint({ intervalMs: 5 })), '^------------!').toBe('a', { a: r1 });
    flush();
    expect(link.log).toEqual(['0 pass s0:1', '5 commit s0']);
  });
});

test('concurrent mode commits only the contiguous processed prefix, per shard', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const a1 = record(link, 'A', '1');
    const a2 = record(link, 'A', '2');
    const a3 = record(link, 'A', '3');
    const b1 = record(link, 'B', '1');
    const took: Record<string, number> = { 'A:1': 6, 'A:2': 2, 'A:3': 3, 'B:1': 1 };
    const source = cold('(abcd)|', { a: a1, b: a2, c: a3, d: b1 });
    const out = source.pipe(
      checkpoint({
        mode: 'concurrent',
        concurrency: 4,
        intervalMs: 0,
        process: (r: KinesisRecord) => timer(took[`${r.shardId}:${r.sequenceNumber}`] as number),
      }),
      map((r) => `${r.shardId}${r.sequenceNumber}`),
    );
    expectObservable(out).toBe('-abc--(d|)', { a: 'B1', b: 'A2', c: 'A3', d: 'A1' });
    flush();
    // A2 and A3 finish first but wait for A1; B has its own prefix.
    expect(link.log).toEqual(['1 pass B:1', '6 pass A:3', '6 commit B', '6 commit A']);
  });
});

test('concurrent mode: items filtered upstream or inside process never stall commits', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const rs = ['1', '2', '3', '4'].map((s) => record(link, 'A', s));
    const source = cold('abcd|', { a: rs[0], b: rs[1], c: rs[2], d: rs[3] });
    const out = source.pipe(
      filter((r) => r.sequenceNumber !== '2'),
      checkpoint({
        mode: 'concurrent',
        intervalMs: 0,
        // process for '4' completes without a value: it still counts as done (the item passes on).
        process: (r: KinesisRecord) =>
          r.sequenceNumber === '4' ? timer(1).pipe(filter(() => false)) : timer(2),
      }),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe('--a-(bc|)', { a: '1', b: '3', c: '4' });
    flush();
    expect(link.log).toEqual(['2 pass A:1', '4 pass A:3', '4 pass A:4', '4 commit A']);
  });
});

test('errors with CheckpointerConflictError when the consumer uses another checkpointer', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const link = new RecordingLink(() => scheduler.now());
    const source: Observable<KinesisRecord> = cold('a|', { a: record(link, 's0', '1') });
    expectObservable(source.pipe(checkpoint(new MemoryCheckpointer()))).toBe(
      '#',
      undefined,
      expect.any(CheckpointerConflictError),
    );
  });
});

test('ordered mode errors with OutOfOrderCheckpointError when mergeMap lets a later record arrive first', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const rs = ['1', '2', '3'].map((s) => record(link, 'A', s));
    const out = cold('abc|', { a: rs[0], b: rs[1], c: rs[2] }).pipe(
      mergeMap((r) => timer(r.sequenceNumber === '1' ? 5 : 1).pipe(map(() => r))),
      checkpoint({ intervalMs: 0 }),
      map((r) => r.sequenceNumber),
    );
    expectObservable(out).toBe('--ab-#', { a: '2', b: '3' }, expect.any(OutOfOrderCheckpointError));
    flush();
    // Record 1 is never passed; what passed before it is all that was reported.
    expect(link.log.filter((line) => line.includes('pass'))).toEqual(['2 pass A:2', '3 pass A:3']);
  });
});

test('OutOfOrderCheckpointError names the late item and the one that passed before it', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const link = new RecordingLink(() => scheduler.now());
    const r1 = record(link, 'A', '7');
    // Three items: the last item of a record stands for the whole record.
    const out = cold('ab|', { a: item(r1, 1, 3), b: item(r1, 0, 3) }).pipe(checkpoint({ intervalMs: 0 }));
    expectObservable(out).toBe(
      'a#',
      { a: item(r1, 1, 3) },
      expect.objectContaining({
        name: 'OutOfOrderCheckpointError',
        retriable: false,
        context: { streamName: 'orders', shardId: 'A', sequenceNumber: '7', subSequenceNumber: 0 },
        message: expect.stringContaining(
          'got item 0 of record 7 of shard A (stream "orders") after item 1 of record 7',
        ),
      }),
    );
  });
});

test('ordered mode: shards interleaved, items then the next record, and an item passing twice are in order', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const link = new RecordingLink(() => scheduler.now());
    // "10" comes after "9" although it sorts first as text.
    const a1 = record(link, 'A', '9');
    const a2 = record(link, 'A', '10');
    const b10 = record(link, 'B', '10');
    const values = { a: item(a1, 0, 2), b: b10, c: item(a1, 1, 2), d: a2, e: b10 };
    // B's record passes twice (equal is in order).
    const source = cold('a-b-c-d-e|', values);
    expectObservable(source.pipe(checkpoint({ intervalMs: 0 }))).toBe('a-b-c-d-e|', values);
  });
});

test('concurrent mode takes completions out of order without an error', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const link = new RecordingLink(() => scheduler.now());
    const rs = ['1', '2'].map((s) => record(link, 'A', s));
    const out = cold('ab|', { a: rs[0], b: rs[1] }).pipe(
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

// share() between the consumer and two checkpoint()s makes one subscriber of two pipelines: the
// fast one used to pass (and commit) records the slow one had not processed yet.
test('share() before two checkpoint()s: the second pipeline errors with MulticastCheckpointError', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const rs = ['1', '2'].map((s) => record(link, 's0', s));
    const shared = cold('ab|', { a: rs[0], b: rs[1] }).pipe(share());
    const fast = shared.pipe(
      checkpoint({ intervalMs: 0 }),
      map((r) => r.sequenceNumber),
    );
    const slow = shared.pipe(
      concatMap((r) => timer(5).pipe(map(() => r))),
      checkpoint({ intervalMs: 0 }),
      map((r) => r.sequenceNumber),
    );
    expectObservable(fast).toBe('ab|', { a: '1', b: '2' });
    expectObservable(slow).toBe('-----#', undefined, expect.any(MulticastCheckpointError));
    flush();
    expect(link.log).toEqual(['0 pass s0:1', '1 pass s0:2', '2 commit s0']);
  });
});

test('share() with synchronous pipelines: the second checkpoint() errors on the first record', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const link = new RecordingLink(() => scheduler.now());
    const shared = cold('a|', { a: record(link, 's0', '1') }).pipe(share());
    expectObservable(
      shared.pipe(
        checkpoint({ intervalMs: 0 }),
        map(() => 'x'),
      ),
    ).toBe('x|');
    expectObservable(shared.pipe(checkpoint({ intervalMs: 0 }))).toBe(
      '#',
      undefined,
      expect.any(MulticastCheckpointError),
    );
  });
});

test('items of one record split by partition() into two checkpoint()s: MulticastCheckpointError', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const link = new RecordingLink(() => scheduler.now());
    const r1 = record(link, 's0', '1');
    const [evens, odds] = partition(
      cold('ab|', { a: item(r1, 0, 2), b: item(r1, 1, 2) }).pipe(share()),
      (i) => i.data % 2 === 0,
    );
    const out = merge(evens.pipe(checkpoint({ intervalMs: 0 })), odds.pipe(checkpoint({ intervalMs: 0 })));
    expectObservable(out.pipe(map((i) => i.data))).toBe('a#', { a: 0 }, expect.any(MulticastCheckpointError));
  });
});

test('checkpoint() after checkpoint() in one pipeline is not a multicast', () => {
  scheduler.run(({ cold, expectObservable, flush }) => {
    const link = new RecordingLink(() => scheduler.now());
    const r1 = record(link, 's0', '1');
    const source = cold('ab|', { a: item(r1, 0, 2), b: item(r1, 1, 2) });
    const out = source.pipe(
      checkpoint({ intervalMs: 0 }),
      checkpoint({ mode: 'concurrent', process: () => timer(1), intervalMs: 0 }),
      map((i) => i.data),
    );
    expectObservable(out).toBe('-a(b|)', { a: 0, b: 1 });
    flush();
    expect(link.log.filter((line) => line.includes('pass'))).toEqual([
      '0 pass s0:1.0',
      '1 pass s0:1',
      '1 pass s0:1.0',
      '2 pass s0:1',
    ]);
  });
});

test('checkpoint() again after asynchronous work behind a first one: MulticastCheckpointError (the first already committed)', () => {
  scheduler.run(({ cold, expectObservable }) => {
    const link = new RecordingLink(() => scheduler.now());
    const out = cold('a|', { a: record(link, 's0', '1') }).pipe(
      checkpoint({ intervalMs: 0 }),
      concatMap((r) => timer(3).pipe(map(() => r))),
      checkpoint({ intervalMs: 0 }),
    );
    expectObservable(out).toBe('---#', undefined, expect.any(MulticastCheckpointError));
  });
});

describe('checkpoint() options', () => {
  it('refuses an option name it does not know, and says where a checkpointer goes', () => {
    expect(() => checkpoint({ batchsize: 10 } as never)).toThrow(
      'Invalid option "batchsize": got "(not shown: unknown option)"; unknown option; did you mean "batchSize"? known options are mode, process, concurrency, batchSize, intervalMs, scheduler',
    );
    expect(() => checkpoint(new MemoryCheckpointer(), { interval: 1000 } as never)).toThrow(
      /"interval".*known options are/,
    );
    expect(() => checkpoint({ checkpointer: new MemoryCheckpointer() } as never)).toThrow(
      /"checkpointer".*pass a checkpointer first, checkpoint\(checkpointer, options\), or give it to fromKinesis\(\)/,
    );
    expect(() => checkpoint(new MemoryCheckpointer(), 5 as never)).toThrow(/Invalid option "options": got 5/);
    expect(() => checkpoint({ batchSize: 10, intervalMs: 0, mode: 'ordered' })).not.toThrow();
  });

  it('refuses a scheduler that is not a SchedulerLike when created, not when subscribed', () => {
    for (const bad of ['async', {}, { schedule: () => undefined }]) {
      expect(() => checkpoint({ scheduler: bad as never })).toThrow(/Invalid option "scheduler"/);
    }
  });

  it('checks the options that follow a checkpointer left undefined', () => {
    expect(() => checkpoint(undefined as never, { batchsize: 10 } as never)).toThrow(
      /"batchsize".*unknown option/,
    );
    expect(() => checkpoint(undefined as never, { batchSize: 0 })).toThrow(
      /Invalid option "batchSize": got 0/,
    );
  });
});
