// deserialize() reads JSON lines on the text path (one UTF-8 check and one decode per record).
// Every case here runs twice, on the text path and on the byte path of the same processor (its
// text halves removed), and expects the same items, dead letters, settlements and errors.
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { KinesisItem } from '../../src/consumer/KinesisItem';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord';
import { RECORD_HANDLE, type RecordHandle } from '../../src/consumer/RecordTracking';
import { deserialize, type DeserializeOptions } from '../../src/operators/deserialize';
import type { RecordDecodeError } from '../../src/processors/errors/RecordDecodeError';
import { jsonLineProcessor } from '../../src/processors/namedProcessors';
import { createProcessor, type Processor } from '../../src/processors/Processor';

const arrival = new Date('2026-01-01T00:00:00Z');

/** The text path, counting the texts it deserializes. */
function textPathProcessor(): { processor: Processor<unknown>; texts: () => number } {
  const json = jsonLineProcessor();
  const text = json.serializer.text!;
  let count = 0;
  const serializer = {
    ...json.serializer,
    text: {
      ...text,
      deserialize: (line: string) => {
        count += 1;
        return text.deserialize(line);
      },
    },
  };
  return { processor: createProcessor('jsonLine', serializer, json.aggregator), texts: () => count };
}

/** The same processor without its text halves: the byte path. */
function bytePathProcessor(): Processor<unknown> {
  const { serializer, aggregator } = jsonLineProcessor();
  return createProcessor(
    'jsonLine',
    { name: serializer.name, serialize: serializer.serialize, deserialize: serializer.deserialize },
    {
      name: aggregator.name,
      aggregates: true,
      createAccumulator: aggregator.createAccumulator,
      deaggregate: aggregator.deaggregate,
    },
  );
}

/** A reading as deserialize() sees it: logs settlements; `done` items of each record are through checkpoint(). */
class FakeReading {
  readonly log: string[] = [];
  done = 0;
  private settled: (() => void) | undefined;

  handle(): RecordHandle {
    const reading = {
      skipped: (
        _ledger: unknown,
        sequence: string,
        sub: number | undefined,
        count: number,
        through?: number,
      ) => void this.log.push(`skipped ${sequence}:${sub ?? 'whole'}/${count} through ${through ?? '-'}`),
      itemsDecoded: (sequence: string, items: number) => void this.log.push(`decoded ${sequence}: ${items}`),
      itemsDone: () => this.done,
      whenSettled: (callback: () => void) => {
        this.settled = callback;
        return () => (this.settled = undefined);
      },
    } as unknown as RecordHandle['reading'];
    return { reading, ledger: { id: 1 } as unknown as RecordHandle['ledger'] };
  }

  /** Lets `done` items through and tells the waiting deserialize(). */
  settle(done: number): void {
    this.done = done;
    const settled = this.settled;
    this.settled = undefined;
    settled?.();
  }
}

function record(
  sequenceNumber: string,
  data: Uint8Array,
  reading: FakeReading,
  extra: Partial<KinesisRecord> = {},
): KinesisRecord {
  return {
    streamName: 'orders',
    shardId: 'shardId-000000000001',
    sequenceNumber,
    partitionKey: 'outer',
    data,
    approximateArrivalTimestamp: arrival,
    [RECORD_HANDLE]: reading.handle(),
    ...extra,
  };
}

/** What came out of deserialize(): items, dead letters, settlements, the end, in order. */
interface Run {
  readonly events: string[];
  readonly reading: FakeReading;
  readonly next: (record: KinesisRecord) => void;
  readonly complete: () => void;
}

function start(
  processor: Processor<unknown>,
  options: Omit<DeserializeOptions, 'onDecodeError'>,
  deadLetters: boolean,
): Run {
  const reading = new FakeReading();
  const events = reading.log;
  const records = new Subject<KinesisRecord>();
  const onDecodeError = deadLetters
    ? (error: RecordDecodeError, failed: KinesisRecord) =>
        void events.push(`dead ${failed.sequenceNumber} ${error.name} ${error.message}`)
    : undefined;
  records.pipe(deserialize(processor, { ...options, onDecodeError })).subscribe({
    next: (item: KinesisItem<unknown>) =>
      events.push(
        `item ${item.sequenceNumber}:${item.subSequenceNumber}/${item.subRecordCount} ` +
          `${item.partitionKey} ${item.explicitHashKey ?? '-'} ${JSON.stringify(item.data)}`,
      ),
    error: (error: Error) => events.push(`error ${error.name} ${error.message}`),
    complete: () => events.push('complete'),
  });
  return { events, reading, next: (r) => records.next(r), complete: () => records.complete() };
}

/** Runs `scenario` on both paths; returns the text path's events after checking the byte path's are equal. */
function onBothPaths(
  scenario: (run: Run) => void,
  options: Omit<DeserializeOptions, 'onDecodeError'> = {},
  deadLetters = true,
): string[] {
  const text = textPathProcessor();
  const viaText = start(text.processor, options, deadLetters);
  scenario(viaText);
  const viaBytes = start(bytePathProcessor(), options, deadLetters);
  scenario(viaBytes);
  expect(viaText.events).toEqual(viaBytes.events);
  expect(text.texts()).toBeGreaterThan(0);
  return viaText.events;
}

const lines = (...items: string[]): Buffer => Buffer.from(items.map((item) => `${item}\n`).join(''), 'utf8');
const numbers = (count: number, bad = -1): string[] =>
  Array.from({ length: count }, (_, i) => (i === bad ? '{not json' : String(i)));

describe('deserialize() on the JSON lines text path', () => {
  it('emits the same items as the byte path: keys, positions, non-ASCII, empty lines, no trailing newline', () => {
    const events = onBothPaths((run) => {
      run.next(record('1', lines('{"a": "\\u00e9"}', '{"b":"é😀"}', '[1, 2]'), run.reading));
      run.next(record('2', Buffer.from('\n"x"\n\n"y"', 'utf8'), run.reading, { explicitHashKey: '42' }));
      run.next(record('3', Buffer.from('\n\n'), run.reading));
      run.complete();
    });
    expect(events).toEqual([
      'decoded 1: 3',
      'item 1:0/3 outer - {"a":"é"}',
      'item 1:1/3 outer - {"b":"é😀"}',
      'item 1:2/3 outer - [1,2]',
      'decoded 2: 2',
      'item 2:0/2 outer 42 "x"',
      'item 2:1/2 outer 42 "y"',
      'skipped 3:whole/1 through -',
      'complete',
    ]);
  });

  it('dead-letters a small record whole for one bad item, naming the item', () => {
    const events = onBothPaths((run) => {
      run.next(record('1', lines('1', '{oops', '3'), run.reading));
      run.next(record('2', lines('4'), run.reading));
    });
    expect(events[0]).toMatch(/^dead 1 RecordDecodeError .* sub-record 1: json: item is not valid JSON/);
    // A record dead-lettered whole is not reported decoded; every record decoded is, one-item ones too.
    expect(events.slice(1)).toEqual(['skipped 1:whole/1 through -', 'decoded 2: 1', 'item 2:0/1 outer - 4']);
  });

  it('reads a record that is not valid UTF-8 as the byte path does', () => {
    const invalid = Buffer.concat([lines('1'), Buffer.from([0xc3, 0x0a]), lines('3')]);
    const events = onBothPaths((run) => {
      run.next(record('1', invalid, run.reading));
      run.next(record('2', lines('"after"'), run.reading));
    });
    expect(events[0]).toMatch(/^dead 1 RecordDecodeError .* sub-record 1: json: item is not valid UTF-8/);
    expect(events.at(-1)).toBe('item 2:0/1 outer - "after"');
  });

  it('errors the stream the same way without onDecodeError', () => {
    const events = onBothPaths(
      (run) => {
        run.next(record('1', lines('1', '[', '3'), run.reading));
        run.next(record('2', lines('4'), run.reading));
      },
      {},
      false,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^error RecordDecodeError /);
  });

  it('skips the items a resumed consumer already checkpointed', () => {
    const events = onBothPaths((run) => {
      run.next(record('1', lines('0', '1', '2', '3'), run.reading, { resumeAfterSubSequenceNumber: 1 }));
      run.next(record('2', lines('0', '1'), run.reading, { resumeAfterSubSequenceNumber: 1 }));
    });
    expect(events).toEqual([
      'decoded 1: 4',
      'item 1:2/4 outer - 2',
      'item 1:3/4 outer - 3',
      'skipped 2:whole/1 through -',
    ]);
  });

  it('dead-letters one bad item of a record of more than 1000 items alone, the others emitted', () => {
    const events = onBothPaths((run) => {
      run.reading.done = Number.POSITIVE_INFINITY;
      run.next(record('1', lines(...numbers(2000, 1500)), run.reading));
      run.next(record('2', lines('"after"'), run.reading));
    });
    const items = events.filter((event) => event.startsWith('item 1:'));
    expect(items).toHaveLength(1999);
    expect(items[1499]).toBe('item 1:1499/2000 outer - 1499');
    expect(items[1500]).toBe('item 1:1501/2000 outer - 1501');
    const dead = events.findIndex((event) => event.startsWith('dead 1 '));
    expect(events[dead - 1]).toBe('item 1:1499/2000 outer - 1499');
    expect(events[dead + 1]).toBe('skipped 1:1500/2000 through -');
    expect(events.at(-1)).toBe('item 2:0/1 outer - "after"');
  });

  it('emits at most maxItemsAhead items of a large record ahead of checkpoint(), then more as they settle', () => {
    const counts: number[] = [];
    const count = (run: Run) => run.events.filter((event) => event.startsWith('item 1:')).length;
    // deserialize() goes on once the settling stage returned (an asap action): flush() runs it.
    let events: string[] = [];
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ flush }) => {
      events = onBothPaths(
        (run) => {
          run.next(record('1', lines(...numbers(2500, 2200)), run.reading));
          run.next(record('2', lines('"after"'), run.reading));
          counts.push(count(run));
          run.reading.settle(400);
          flush();
          counts.push(count(run));
          run.reading.settle(2500);
          flush();
          counts.push(count(run));
        },
        { maxItemsAhead: 300 },
      );
    });
    expect(counts).toEqual([300, 700, 2499, 300, 700, 2499]);
    expect(events.at(-1)).toBe('item 2:0/1 outer - "after"');
  });
});
