import { Subject, lastValueFrom, map, toArray, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { KinesisItem } from '../../src/consumer/KinesisItem';
import { RECORD_HANDLE, type RecordHandle } from '../../src/consumer/RecordTracking.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../../src/consumer/KinesisRecord';
import { NotAKinesisRecordError } from '../../src/consumer/errors/NotAKinesisRecordError';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError';
import { deserialize } from '../../src/operators/deserialize';
import type { AggregatorEntry } from '../../src/processors/Aggregator';
import { KplChecksumError } from '../../src/processors/errors/KplChecksumError';
import { DeserializationError } from '../../src/processors/errors/DeserializationError';
import { RecordDecodeError } from '../../src/processors/errors/RecordDecodeError';
import {
  jsonLineProcessor,
  jsonProcessor,
  kplJsonProcessor,
  msgpackProcessor,
} from '../../src/processors/namedProcessors';
import type { Processor } from '../../src/processors/Processor';

const arrival = new Date('2026-01-01T00:00:00Z');

function record(sequenceNumber: string, data: Uint8Array, extra: Partial<KinesisRecord> = {}): KinesisRecord {
  return {
    streamName: 'orders',
    shardId: 'shardId-000000000001',
    sequenceNumber,
    partitionKey: 'outer',
    data,
    approximateArrivalTimestamp: arrival,
    ...extra,
  };
}

function aggregated(
  processor: Processor<unknown>,
  entries: { item: unknown; partitionKey: string }[],
): Uint8Array {
  const accumulator = processor.aggregator.createAccumulator(1024 * 1024);
  for (const { item, partitionKey } of entries) {
    const entry: AggregatorEntry = { data: processor.serializer.serialize(item), partitionKey };
    expect(accumulator.add(entry)).toBeUndefined();
  }
  return accumulator.flush()?.data ?? new Uint8Array();
}

function item<T>(
  source: KinesisRecord,
  data: T,
  subSequenceNumber: number,
  subRecordCount: number,
  partitionKey = 'outer',
): KinesisItem<T> {
  return {
    data,
    record: source,
    streamName: source.streamName,
    shardId: source.shardId,
    sequenceNumber: source.sequenceNumber,
    subSequenceNumber,
    subRecordCount,
    partitionKey,
    approximateArrivalTimestamp: arrival,
  };
}

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('deserialize()', () => {
  it('maps one record to its items, in order, in the same frame', () => {
    const lines = record('1', Buffer.from('{"a": 1}\n{"b": 2}\n{"c": 3}\n'));
    const single = record('2', Buffer.from('{"d": 4}\n'));
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold<KinesisRecord>('-r------s|', { r: lines, s: single });
      expectObservable(source.pipe(deserialize(jsonLineProcessor()))).toBe('-(xyz)--w|', {
        x: item(lines, { a: 1 }, 0, 3),
        y: item(lines, { b: 2 }, 1, 3),
        z: item(lines, { c: 3 }, 2, 3),
        w: item(single, { d: 4 }, 0, 1),
      });
    });
  });

  it("uses the processor of the record's consumer when given none", () => {
    const packed = record('1', Buffer.from('343a81a161012c', 'hex'), {
      [CONSUMER_CONTEXT]: { processor: msgpackProcessor() },
    });
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-r|', { r: packed }).pipe(deserialize())).toBe('-x|', {
        x: item(packed, { a: 1 }, 0, 1),
      });
    });
  });

  it('defaults to jsonProcessor() when neither is given', () => {
    const plain = record('1', Buffer.from('{"a": "\\u00e9"}'));
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('r|', { r: plain }).pipe(deserialize())).toBe('x|', {
        x: item(plain, { a: 'é' }, 0, 1),
      });
    });
  });

  it('reports KPL sub-record keys and skips items up to resumeAfterSubSequenceNumber', () => {
    const kpl = kplJsonProcessor();
    const data = aggregated(kpl, [
      { item: 'first', partitionKey: 'pk-0' },
      { item: 'second', partitionKey: 'pk-1' },
      { item: 'third', partitionKey: 'pk-2' },
    ]);
    const resumed = record('7', data, { resumeAfterSubSequenceNumber: 0, partitionKey: 'pk-0' });
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('r-----|', { r: resumed }).pipe(deserialize(kpl))).toBe('(yz)--|', {
        y: item(resumed, 'second', 1, 3, 'pk-1'),
        z: item(resumed, 'third', 2, 3, 'pk-2'),
      });
    });
  });

  it('reads a KPL record whose items carry its key on the text path, as the byte path does', () => {
    const kpl = kplJsonProcessor();
    // The same processor without its text halves: the byte path.
    const bytePath = {
      name: kpl.name,
      serializer: {
        name: 'json',
        serialize: kpl.serializer.serialize,
        deserialize: kpl.serializer.deserialize,
      },
      aggregator: {
        name: 'kpl',
        aggregates: true,
        createAccumulator: kpl.aggregator.createAccumulator,
        deaggregate: kpl.aggregator.deaggregate,
      },
    };
    const accumulator = kpl.aggregator.createAccumulator(1024 * 1024);
    for (const text of ['{"n": 1}', '{"n": "é"}', '{"n": ', '{"n": 4}']) {
      accumulator.add({ data: Buffer.from(text), partitionKey: 'outer' });
    }
    const data = accumulator.flush()!.data;
    const outcome = (processor: Processor<unknown>, resumeAfterSubSequenceNumber?: number) => {
      const items: unknown[] = [];
      let failure: unknown;
      const source = record(
        '5',
        data,
        resumeAfterSubSequenceNumber === undefined ? {} : { resumeAfterSubSequenceNumber },
      );
      newScheduler().run(({ cold }) => {
        cold('r|', { r: source })
          .pipe(deserialize(processor))
          .subscribe({
            next: (value) => items.push([value.data, value.subSequenceNumber, value.partitionKey]),
            error: (error: unknown) => (failure = error),
          });
      });
      return { items, context: (failure as RecordDecodeError | undefined)?.context };
    };
    // The text path, counting the texts it deserializes.
    let texts = 0;
    const serializerText = kpl.serializer.text!;
    const textPath: Processor<unknown> = {
      ...kpl,
      serializer: {
        ...kpl.serializer,
        text: {
          ...serializerText,
          deserialize: (line: string) => {
            texts += 1;
            return serializerText.deserialize(line);
          },
        },
      },
    };
    const text = outcome(textPath);
    expect(texts).toBe(3);
    expect(text).toEqual(outcome(bytePath));
    // A record is decoded whole before its items go: the bad item errors it, naming the item.
    expect(text.items).toEqual([]);
    expect(text.context).toMatchObject({ sequenceNumber: '5', subSequenceNumber: 2 });
    // Resumed past the bad item.
    expect(outcome(textPath, 2)).toEqual(outcome(bytePath, 2));
    expect(outcome(textPath, 2).items).toEqual([[{ n: 4 }, 3, 'outer']]);
  });

  it('errors with RecordDecodeError naming shard and sequence number, cause attached', () => {
    const good = record('1', Buffer.from('{"a": 1}'));
    const bad = record('2', Buffer.from('{"a": '));
    let caught: unknown;
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-g-b-g|', { g: good, b: bad });
      const operator = deserialize();
      expectObservable(source.pipe(operator)).toBe(
        '-x-#',
        { x: item(good, { a: 1 }, 0, 1) },
        expect.any(RecordDecodeError),
      );
      source.pipe(operator).subscribe({ error: (error: unknown) => (caught = error) });
      expectSubscriptions(source.subscriptions).toBe(['^--!', '^--!']);
    });
    expect(caught).toBeInstanceOf(RecordDecodeError);
    expect((caught as RecordDecodeError).context).toEqual({
      streamName: 'orders',
      shardId: 'shardId-000000000001',
      sequenceNumber: '2',
      subSequenceNumber: 0,
    });
    expect((caught as RecordDecodeError).cause).toBeInstanceOf(DeserializationError);
  });

  it("says when the record looks like another processor's format", async () => {
    const lines = record('3', Buffer.from('{"a": 1}\n{"b": 2}\n'));
    const source = new Subject<KinesisRecord>();
    const result = lastValueFrom(source.pipe(deserialize(), toArray())).catch((error: unknown) => error);
    source.next(lines);
    source.complete();
    const error = await result;
    expect(error).toBeInstanceOf(RecordDecodeError);
    expect((error as RecordDecodeError).message).toContain(
      "the record looks like JSON lines (read with jsonLineProcessor()); this consumer's processor is json",
    );
  });

  it('names a corrupt KPL record with its typed cause', () => {
    const kpl = kplJsonProcessor();
    const data = Buffer.from(aggregated(kpl, [{ item: 1, partitionKey: 'p' }]));
    data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 0xff;
    let caught: unknown;
    newScheduler().run(({ cold }) => {
      cold('r|', { r: record('9', data) })
        .pipe(deserialize(kpl))
        .subscribe({ error: (error: unknown) => (caught = error) });
    });
    expect(caught).toBeInstanceOf(RecordDecodeError);
    expect((caught as RecordDecodeError).context).toEqual({
      streamName: 'orders',
      shardId: 'shardId-000000000001',
      sequenceNumber: '9',
    });
    expect((caught as RecordDecodeError).cause).toBeInstanceOf(KplChecksumError);
    expect((caught as RecordDecodeError).message).toContain('shardId-000000000001');
  });

  it('goes on after a bad record when onDecodeError is given', () => {
    const bad = record('2', Buffer.from('nope'));
    const good = record('3', Buffer.from('{"a": 1}'));
    const seen: [RecordDecodeError, KinesisRecord][] = [];
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-b-g|', { b: bad, g: good });
      const operator = deserialize({ onDecodeError: (error, failed) => void seen.push([error, failed]) });
      expectObservable(source.pipe(operator)).toBe('---x|', { x: item(good, { a: 1 }, 0, 1) });
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toBeInstanceOf(RecordDecodeError);
    expect(seen[0]?.[1]).toBe(bad);
  });

  it('errors the stream when onDecodeError throws', () => {
    const bad = record('2', Buffer.from('nope'));
    const boom = new Error('dead-letter queue down');
    newScheduler().run(({ cold, expectObservable }) => {
      const operator = deserialize({
        onDecodeError: () => {
          throw boom;
        },
      });
      expectObservable(cold('-b-|', { b: bad }).pipe(operator)).toBe('-#', undefined, boom);
    });
  });

  it('errors with NotAKinesisRecordError on a value that is not a record, unsubscribing its source, even with onDecodeError', () => {
    const one = record('1', Buffer.from('{"a": 1}'));
    const decoded = item(one, { a: 1 }, 0, 1);
    const dead: unknown[] = [];
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // deserialize() twice: its own items come back to it.
      const twice = cold('-r---r', { r: one }).pipe(
        deserialize(),
        map((decodedItem) => decodedItem as unknown as KinesisRecord),
        deserialize(),
      );
      expectObservable(twice).toBe('-#', undefined, expect.any(NotAKinesisRecordError));
      for (const value of [5, 'text', null, { data: 'not bytes' }, decoded]) {
        const source = cold('-v--', { v: value as unknown as KinesisRecord });
        const operator = deserialize({ onDecodeError: (error) => void dead.push(error) });
        expectObservable(source.pipe(operator)).toBe('-#', undefined, expect.any(NotAKinesisRecordError));
        expectSubscriptions(source.subscriptions).toBe('^!');
      }
    });
    // Nothing was dead-lettered: a wrong pipeline is not a bad record.
    expect(dead).toEqual([]);
    const error = new NotAKinesisRecordError(decoded);
    expect(error.message).toMatch(/got a KinesisItem \(deserialize\(\) is in the pipeline twice\?\)$/);
    expect(error.retriable).toBe(false);
    expect(new NotAKinesisRecordError(null).message).toMatch(/got null$/);
  });

  it('passes source errors through and stops on unsubscription', () => {
    const one = record('1', Buffer.from('1'));
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-r-#', { r: one }, new Error('source'));
      expectObservable(failing.pipe(deserialize())).toBe(
        '-x-#',
        { x: item(one, 1, 0, 1) },
        new Error('source'),
      );
      const endless = cold('-r-r-r-r', { r: one });
      expectObservable(endless.pipe(deserialize()), '^---!').toBe('-x-x', { x: item(one, 1, 0, 1) });
      expectSubscriptions(endless.subscriptions).toBe('^---!');
    });
  });

  it('rejects invalid options at once', () => {
    expect(() => deserialize({ onDecodeError: 'log' as unknown as () => void })).toThrow(InvalidOptionError);
    expect(() => deserialize(42 as unknown as Processor<unknown>)).toThrow(InvalidOptionError);
  });

  it('refuses, when called, options that are not an object and a processor that cannot decode', () => {
    expect(() => deserialize(jsonProcessor(), 5 as never)).toThrow(/Invalid option "options": got 5/);
    expect(() => deserialize(undefined, 'strict' as never)).toThrow(/Invalid option "options"/);
    // A processor whose parts cannot decode would fail every record (dead-lettering each one
    // through onDecodeError), not the call.
    const { serializer, aggregator } = jsonProcessor();
    for (const broken of [
      { name: 'write-only', serializer: { serialize: serializer.serialize }, aggregator },
      { name: 'no aggregator', serializer, aggregator: undefined },
      { name: 'no deaggregate', serializer, aggregator: { createAccumulator: aggregator.createAccumulator } },
    ]) {
      expect(() => deserialize(broken as never, { onDecodeError: () => undefined })).toThrow(
        /Invalid option "processor"/,
      );
    }
  });

  it('refuses an option name it does not know, and says where a processor goes', () => {
    expect(() => deserialize({ maxItemAhead: 10 } as never)).toThrow(
      'Invalid option "maxItemAhead": got "(not shown: unknown option)"; unknown option; did you mean "maxItemsAhead"? known options are onDecodeError, maxItemsAhead, scheduler',
    );
    expect(() => deserialize(jsonProcessor(), { onDecodeErrors: () => undefined } as never)).toThrow(
      /"onDecodeErrors".*known options are onDecodeError, maxItemsAhead/,
    );
    // Read as options, { processor } would decode with the default processor instead.
    expect(() => deserialize({ processor: jsonProcessor() } as never)).toThrow(
      /"processor".*pass the processor first, deserialize\(processor, options\)/,
    );
    expect(() =>
      deserialize(jsonProcessor(), { maxItemsAhead: 5, onDecodeError: () => undefined }),
    ).not.toThrow();
  });
});

describe('deserialize() with an asynchronous onDecodeError', () => {
  function collect<T>(source: Observable<T>): Promise<T[]> {
    return lastValueFrom(source.pipe(toArray()));
  }

  it('holds later records until the dead-letter promise settles, keeping order', async () => {
    const records = new Subject<KinesisRecord>();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const operator = deserialize<number>({
      onDecodeError: (_error, failed) =>
        new Promise<void>((resolve) => {
          log.push(`dead-letter ${failed.sequenceNumber}`);
          release = () => {
            log.push(`released ${failed.sequenceNumber}`);
            resolve();
          };
        }),
    });
    const done = collect(records.pipe(operator));
    records.next(record('1', Buffer.from('1')));
    records.next(record('2', Buffer.from('x')));
    records.next(record('3', Buffer.from('3')));
    records.complete();
    await Promise.resolve();
    expect(log).toEqual(['dead-letter 2']);
    release();
    const items = await done;
    expect(items.map((i) => i.data)).toEqual([1, 3]);
    expect(log).toEqual(['dead-letter 2', 'released 2']);
  });

  it('errors the stream with the rejection of the dead-letter promise', async () => {
    const records = new Subject<KinesisRecord>();
    const done = collect(
      records.pipe(deserialize({ onDecodeError: () => Promise.reject(new Error('dlq failed')) })),
    );
    records.next(record('2', Buffer.from('x')));
    records.next(record('3', Buffer.from('3')));
    records.complete();
    await expect(done).rejects.toThrow('dlq failed');
  });
});

describe('deserialize() and records that yield no item', () => {
  /** A reading stand-in that only records which records were reported done without an item. */
  function linked(sequenceNumber: string, data: Uint8Array, skipped: string[]): KinesisRecord {
    const reading = {
      skipped: (_ledger: unknown, done: string, sub: number | undefined, count: number) =>
        void skipped.push(`${done}:${sub ?? 'whole'}/${count}`),
      itemsDecoded: () => undefined,
      itemsDone: () => Number.POSITIVE_INFINITY,
    } as unknown as RecordHandle['reading'];
    const ledger = { id: 1 } as unknown as RecordHandle['ledger'];
    return record(sequenceNumber, data, {
      [CONSUMER_CONTEXT]: { processor: jsonLineProcessor() },
      [RECORD_HANDLE]: { reading, ledger },
    });
  }

  it('reports an empty record, a dead-lettered one and a fully resumed one as done, and no other', () => {
    const skipped: string[] = [];
    newScheduler().run(({ cold, expectObservable }) => {
      const empty = linked('1', Buffer.from('\n\n'), skipped);
      const bad = linked('2', Buffer.from('{oops\n'), skipped);
      const resumed = linked('3', Buffer.from('{"a": 1}\n'), skipped);
      const done = { ...resumed, resumeAfterSubSequenceNumber: 0 };
      const good = linked('4', Buffer.from('{"b": 2}\n'), skipped);
      const source = cold('abcd|', { a: empty, b: bad, c: done, d: good });
      const output = source.pipe(deserialize({ onDecodeError: () => undefined }));
      expectObservable(output).toBe('---d|', { d: item(good, { b: 2 }, 0, 1) });
    });
    expect(skipped).toEqual(['1:whole/1', '2:whole/1', '3:whole/1']);
  });

  it('reports a dead-lettered record as done only once its asynchronous handler settled', async () => {
    const skipped: string[] = [];
    let release: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => (release = resolve));
    const records = new Subject<KinesisRecord>();
    const output = lastValueFrom(records.pipe(deserialize({ onDecodeError: () => handled }), toArray()));
    records.next(linked('7', Buffer.from('{oops\n'), skipped));
    records.complete();
    await Promise.resolve();
    expect(skipped).toEqual([]);
    release();
    await output;
    expect(skipped).toEqual(['7:whole/1']);
  });

  it('reports nothing when its asynchronous handler settles after the pipeline unsubscribed', async () => {
    const skipped: string[] = [];
    let release: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => (release = resolve));
    const records = new Subject<KinesisRecord>();
    const subscription = records.pipe(deserialize({ onDecodeError: () => handled })).subscribe();
    records.next(linked('7', Buffer.from('{oops\n'), skipped));
    subscription.unsubscribe();
    release();
    await handled;
    await Promise.resolve();
    expect(skipped).toEqual([]);
  });
});
