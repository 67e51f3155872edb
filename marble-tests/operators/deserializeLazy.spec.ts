// deserialize() reads a record through the aggregator's lazy forms (deaggregateLazily, each item
// made as it goes out) when it has them. Every case here runs each built-in processor twice: as
// it is, and with an aggregator that has only deaggregate() (and, on the text path, only
// text.deaggregate()), as a custom aggregator written before the lazy forms has. Both must give
// the same items, dead letters, settlements, pauses and errors.
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { KinesisItem } from '../../src/consumer/KinesisItem';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord';
import { RECORD_HANDLE, type RecordHandle } from '../../src/consumer/RecordTracking';
import { deserialize, type DeserializeOptions } from '../../src/operators/deserialize';
import type { Aggregator, AggregatorEntry } from '../../src/processors/Aggregator';
import type { RecordDecodeError } from '../../src/processors/errors/RecordDecodeError';
import {
  jsonLineProcessor,
  jsonListProcessor,
  kplJsonProcessor,
  kplMsgpackProcessor,
  msgpackProcessor,
} from '../../src/processors/namedProcessors';
import { createProcessor, type Processor } from '../../src/processors/Processor';

/** The processor with an aggregator of deaggregate() (and text.deaggregate()) only. */
function withoutLazyForms(processor: Processor<unknown>): Processor<unknown> {
  const { aggregator } = processor;
  const eager: Aggregator = {
    name: aggregator.name,
    aggregates: aggregator.aggregates,
    createAccumulator: (limit) => aggregator.createAccumulator(limit),
    deaggregate: (record) => aggregator.deaggregate(record),
    ...(aggregator.text === undefined
      ? {}
      : {
          text: {
            createAccumulator: aggregator.text.createAccumulator,
            deaggregate: aggregator.text.deaggregate,
          },
        }),
  };
  return createProcessor(processor.name, processor.serializer, eager);
}

/** A reading as deserialize() sees it: logs settlements; `done` leading items are through checkpoint(). */
class FakeReading {
  readonly log: string[] = [];
  done = 0;
  private settled: (() => void) | undefined;

  handle(): RecordHandle {
    const reading = {
      skipped: (_ledger: unknown, sequence: string, sub: number | undefined, count: number) =>
        void this.log.push(`skipped ${sequence}:${sub ?? 'whole'}/${count}`),
      itemsDecoded: (sequence: string, items: number) => void this.log.push(`decoded ${sequence}: ${items}`),
      itemsDone: () => this.done,
      whenSettled: (callback: () => void) => {
        this.settled = callback;
        return () => (this.settled = undefined);
      },
    } as unknown as RecordHandle['reading'];
    return { reading, ledger: { id: 1 } as unknown as RecordHandle['ledger'] };
  }

  settle(done: number): void {
    this.done = done;
    const settled = this.settled;
    this.settled = undefined;
    settled?.();
  }
}

interface Run {
  readonly events: string[];
  readonly reading: FakeReading;
  next(sequenceNumber: string, data: Uint8Array, resumeAfter?: number): void;
  /** Lets `done` items through and runs what deserialize() does then. */
  settle(done: number): void;
}

function start(
  processor: Processor<unknown>,
  options: DeserializeOptions,
  deadLetters: boolean,
  flush: () => void,
): Run {
  const reading = new FakeReading();
  const events = reading.log;
  const records = new Subject<KinesisRecord>();
  const onDecodeError = deadLetters
    ? (error: RecordDecodeError, failed: KinesisRecord) =>
        void events.push(`dead ${failed.sequenceNumber} ${error.message}`)
    : undefined;
  records.pipe(deserialize(processor, { ...options, onDecodeError })).subscribe({
    next: (item: KinesisItem<unknown>) =>
      events.push(
        `item ${item.sequenceNumber}:${item.subSequenceNumber}/${item.subRecordCount} ` +
          `${item.partitionKey} ${item.explicitHashKey ?? '-'} ${JSON.stringify(item.data)}`,
      ),
    error: (error: Error) => events.push(`error ${error.name} ${error.message}`),
  });
  return {
    events,
    reading,
    next: (sequenceNumber, data, resumeAfter) =>
      records.next({
        streamName: 'orders',
        shardId: 'shardId-000000000001',
        sequenceNumber,
        partitionKey: 'outer',
        data,
        approximateArrivalTimestamp: new Date(0),
        [RECORD_HANDLE]: reading.handle(),
        ...(resumeAfter === undefined ? {} : { resumeAfterSubSequenceNumber: resumeAfter }),
      }),
    settle: (done) => {
      reading.settle(done);
      // deserialize() goes on after a settlement in an asap action.
      flush();
    },
  };
}

/** Runs `scenario` with and without the lazy forms; returns the events after checking they are equal. */
function bothWays(
  processor: Processor<unknown>,
  scenario: (run: Run) => void,
  options: DeserializeOptions = {},
  deadLetters = true,
): string[] {
  let lazy: string[] = [];
  let eager: string[] = [];
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ flush }) => {
    const viaLazy = start(processor, options, deadLetters, flush);
    scenario(viaLazy);
    const viaEager = start(withoutLazyForms(processor), options, deadLetters, flush);
    scenario(viaEager);
    lazy = viaLazy.events;
    eager = viaEager.events;
  });
  expect(lazy).toEqual(eager);
  return lazy;
}

/** One record of the entries (raw bytes, keys), as the processor's aggregator packs them. */
function packed(processor: Processor<unknown>, entries: readonly AggregatorEntry[]): Uint8Array {
  const accumulator = processor.aggregator.createAccumulator(1024 * 1024);
  for (const entry of entries) {
    if (accumulator.add(entry) !== undefined) throw new Error('the entries do not fit in one record');
  }
  return accumulator.flush()?.data ?? new Uint8Array(0);
}

/** `count` items i (serialized), item `bad` replaced by `badBytes`; KPL items with keys of their own when `keys`. */
function items(
  processor: Processor<unknown>,
  count: number,
  bad: number,
  badBytes: Uint8Array,
  keys = false,
): AggregatorEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    data: i === bad ? badBytes : processor.serializer.serialize(i),
    partitionKey: keys ? `key-${i % 3}` : 'outer',
    ...(keys && i % 5 === 0 ? { explicitHashKey: String(100 + (i % 2)) } : {}),
  }));
}

const notJson = Buffer.from('nope');
const notMsgpack = Buffer.from([0xc1]);
const notUtf8 = Buffer.from([0x22, 0xff, 0x22]);

describe.each([
  ['jsonLineProcessor', jsonLineProcessor(), notJson, false],
  ['jsonListProcessor', jsonListProcessor(), notJson, false],
  ['msgpackProcessor', msgpackProcessor(), notMsgpack, false],
  ['kplJsonProcessor (text path)', kplJsonProcessor(), notJson, false],
  ['kplJsonProcessor (keys of their own: byte path)', kplJsonProcessor(), notJson, true],
  ['kplMsgpackProcessor', kplMsgpackProcessor(), notMsgpack, true],
] as const)('deserialize() with %s, lazily and not', (_name, processor, badBytes, keys) => {
  it('emits a large record as settlements allow and dead-letters its bad item alone', () => {
    const counts: number[] = [];
    const events = bothWays(
      processor,
      (run) => {
        run.next('1', packed(processor, items(processor, 2500, 1700, badBytes, keys)));
        run.next('2', packed(processor, items(processor, 2, -1, badBytes, keys)));
        const count = () => run.events.filter((event) => event.startsWith('item 1:')).length;
        counts.push(count());
        run.settle(400);
        counts.push(count());
        run.settle(2500);
        counts.push(count());
      },
      { maxItemsAhead: 300 },
    );
    // Counted in each of the two runs.
    expect(counts).toEqual([300, 700, 2499, 300, 700, 2499]);
    expect(events.filter((event) => event.startsWith('dead 1 '))).toHaveLength(1);
    expect(events).toContain('skipped 1:1700/2500');
    expect(events.at(-1)).toMatch(/^item 2:1\/2 /);
  });

  it('errors the stream at the bad item of a large record without a dead-letter hook', () => {
    const events = bothWays(
      processor,
      (run) => {
        run.reading.done = Number.POSITIVE_INFINITY;
        run.next('1', packed(processor, items(processor, 1500, 1200, badBytes, keys)));
      },
      {},
      false,
    );
    expect(events.filter((event) => event.startsWith('item 1:'))).toHaveLength(1200);
    expect(events.at(-1)).toMatch(/^error RecordDecodeError /);
  });

  it('dead-letters a small record whole for one bad item, and resumes inside a large one', () => {
    const events = bothWays(processor, (run) => {
      run.reading.done = Number.POSITIVE_INFINITY;
      run.next('1', packed(processor, items(processor, 900, 450, badBytes, keys)));
      run.next('2', packed(processor, items(processor, 1800, -1, badBytes, keys)), 1234);
      run.next('3', packed(processor, items(processor, 1800, -1, badBytes, keys)), 1799);
    });
    expect(events.filter((event) => event.startsWith('item 1:'))).toHaveLength(0);
    expect(events).toContain('skipped 1:whole/1');
    expect(events.filter((event) => event.startsWith('item 2:'))).toHaveLength(565);
    expect(events.find((event) => event.startsWith('item 2:'))).toMatch(/^item 2:1235\/1800 /);
    expect(events.filter((event) => event.startsWith('item 3:'))).toHaveLength(0);
  });
});

describe('deserialize() lazily: what the byte path and the text path leave to each other', () => {
  it.each([
    // The last element empty: "[0, 1, …, 2999, ]".
    [
      'a JSON list',
      jsonListProcessor(),
      (data: Buffer) => Buffer.concat([data.subarray(0, -1), Buffer.from(', ]')]),
    ],
    // A last frame that runs past the end.
    ['netstrings', msgpackProcessor(), (data: Buffer) => Buffer.concat([data, Buffer.from('9:x,')])],
    // The MD5 off by one bit.
    [
      'a KPL record',
      kplJsonProcessor(),
      (data: Buffer) => Buffer.concat([data.subarray(0, -1), Buffer.from([data.at(-1)! ^ 1])]),
    ],
  ] as const)(
    'refuses a large record of %s malformed at its end as a whole, before any item',
    (_name, processor, spoil) => {
      const events = bothWays(processor, (run) => {
        run.reading.done = Number.POSITIVE_INFINITY;
        run.next('1', spoil(Buffer.from(packed(processor, items(processor, 3000, -1, notJson)))));
      });
      expect(events.filter((event) => event.startsWith('item'))).toEqual([]);
      expect(events).toContain('skipped 1:whole/1');
      expect(events.filter((event) => event.startsWith('dead 1 '))).toHaveLength(1);
    },
  );

  it('reads a large KPL record on the text path up to an item that is not valid UTF-8, and the rest on the byte path', () => {
    const processor = kplJsonProcessor();
    const events = bothWays(processor, (run) => {
      run.reading.done = Number.POSITIVE_INFINITY;
      run.next('1', packed(processor, items(processor, 2500, 1600, notUtf8)));
      run.next('2', packed(processor, items(processor, 800, 600, notUtf8)));
    });
    // The item is not valid UTF-8, hence not JSON: dead-lettered alone in the large record, with
    // the small record whole.
    expect(events.filter((event) => event.startsWith('item 1:'))).toHaveLength(2499);
    expect(events).toContain('skipped 1:1600/2500');
    expect(events.filter((event) => event.startsWith('item 2:'))).toHaveLength(0);
    expect(events).toContain('skipped 2:whole/1');
  });

  it('reads a JSON lines record that is not valid UTF-8 on the byte path', () => {
    const processor = jsonLineProcessor();
    const events = bothWays(processor, (run) => {
      run.reading.done = Number.POSITIVE_INFINITY;
      run.next('1', packed(processor, items(processor, 2500, 1600, notUtf8)));
    });
    expect(events.filter((event) => event.startsWith('item 1:'))).toHaveLength(2499);
    expect(events).toContain('skipped 1:1600/2500');
  });
});
