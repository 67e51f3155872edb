import type { AggregatedRecord, RecordToDeaggregate } from '../../../src/processors/Aggregator';
import { newlineAggregator } from '../../../src/processors/aggregators/newlineAggregator';
import { DeserializationError } from '../../../src/processors/errors/DeserializationError';
import { RecordTooLargeError } from '../../../src/processors/errors/RecordTooLargeError';
import { SerializationError } from '../../../src/processors/errors/SerializationError';
import { jsonLineProcessor } from '../../../src/processors/namedProcessors';
import { createProcessor, type Processor } from '../../../src/processors/Processor';
import type { Serializer } from '../../../src/processors/Serializer';
import { textPathOf } from '../../../src/processors/textPathOf';
import { randomJson, randomString, seededRandom } from '../seededRandom';

const MIB = 1024 * 1024;

/** A record as compared between the paths: its bytes as hex, and every other field. */
function plain(outcome: Outcome): Record<string, unknown> {
  return 'data' in outcome ? { ...outcome, data: Buffer.from(outcome.data).toString('hex') } : outcome;
}

/** The records among the outcomes. */
function recordsOf(outcomes: readonly Outcome[]): AggregatedRecord[] {
  return outcomes.filter((outcome): outcome is AggregatedRecord => 'data' in outcome);
}

interface Keyed<T> {
  readonly item: T;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/** A closed record, or an item rejected as too large (its size), as compared between the paths. */
type Outcome = AggregatedRecord | { readonly tooLarge: number };

function outcomeOf(add: () => AggregatedRecord | undefined, outcomes: Outcome[]): void {
  try {
    const closed = add();
    if (closed !== undefined) outcomes.push(closed);
  } catch (error) {
    if (!(error instanceof RecordTooLargeError)) throw error;
    outcomes.push({ tooLarge: error.size });
  }
}

/** What the byte path makes of the items: one Buffer per item, framed item by item. */
function byBytes<T>(processor: Processor<T>, items: readonly Keyed<T>[], limit: number): Outcome[] {
  const accumulator = processor.aggregator.createAccumulator(limit);
  const records: Outcome[] = [];
  for (const { item, partitionKey, explicitHashKey } of items) {
    const data = processor.serializer.serialize(item);
    outcomeOf(() => accumulator.add({ data, partitionKey, explicitHashKey }), records);
  }
  const last = accumulator.flush();
  if (last !== undefined) records.push(last);
  return records;
}

/**
 * What the text path makes of them: with each text's byte count given (as the producer gives
 * it) or left for the accumulator to count (as bench/processors.ts leaves it).
 */
function byText<T>(
  processor: Processor<T>,
  items: readonly Keyed<T>[],
  limit: number,
  counted: 'given' | 'counted by the accumulator',
): Outcome[] {
  const textPath = textPathOf(processor);
  if (textPath === undefined) throw new Error('no text path');
  const { serializer } = textPath;
  const accumulator = textPath.aggregator.createAccumulator(limit, serializer);
  const records: Outcome[] = [];
  for (const { item, partitionKey, explicitHashKey } of items) {
    const text = serializer.serialize(item);
    const textBytes = counted === 'given' ? Buffer.byteLength(text, 'utf8') : undefined;
    outcomeOf(() => accumulator.add({ text, textBytes, partitionKey, explicitHashKey }), records);
  }
  const last = accumulator.flush();
  if (last !== undefined) records.push(last);
  return records;
}

/** Strings as text, with no promise about their content: lone surrogates and newlines may occur. */
function rawTextProcessor(): Processor<string> {
  const serializer: Serializer<string> = {
    name: 'raw',
    serialize: (item) => Buffer.from(item, 'utf8'),
    deserialize: (bytes) => Buffer.from(bytes).toString('utf8'),
    text: {
      newlineFree: false,
      ascii: false,
      serialize: (item) => item,
      deserialize: (text) => text,
    },
  };
  return createProcessor('raw', serializer, newlineAggregator());
}

/** Values JSON.stringify writes with lone surrogates, astral and other non-ASCII characters. */
const SURROGATE_VALUES: unknown[] = [
  '\ud800',
  'a\udc00b',
  'x\ud83d',
  '\ude00y',
  '😀\ud83d😀',
  { k: '\udbff\udfff', l: ['\ud800\ud800', 'é中'] },
];

function randomItems(seed: number, count: number): Keyed<unknown>[] {
  const random = seededRandom(seed);
  const items: Keyed<unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const item = i % 17 === 0 ? SURROGATE_VALUES[(i / 17) % SURROGATE_VALUES.length] : randomJson(random);
    const partitionKey = randomString(random, 5) + 'k';
    items.push(i % 5 === 0 ? { item, partitionKey, explicitHashKey: String(i) } : { item, partitionKey });
  }
  return items;
}

const PATHS = ['given', 'counted by the accumulator'] as const;

describe('the JSON lines text path', () => {
  it.each(['compact', 'python'] as const)(
    'writes the same records as the byte path, %s style, on seeded random values (non-ASCII, astral, lone surrogates)',
    (style) => {
      const processor = jsonLineProcessor({ style });
      const items = randomItems(style === 'python' ? 7 : 8, 3000);
      // Small records (many of them, items of every size at the edge) and 1 MiB records.
      for (const limit of [300, 4096, MIB]) {
        const expected = byBytes(processor, items, limit).map(plain);
        expect(recordsOf(expected as Outcome[]).length).toBeGreaterThan(limit === MIB ? 0 : 10);
        for (const counted of PATHS) {
          expect(byText(processor, items, limit, counted).map(plain)).toEqual(expected);
        }
      }
    },
  );

  it('writes what the byte path writes for texts with lone surrogates (each one U+FFFD), a serializer of raw text', () => {
    const processor = rawTextProcessor();
    const items = ['\ud800', 'a\udc00', '\ud83d', '\ude00b', '😀', 'é\ud83d', 'plain'].map((item) => ({
      item,
      partitionKey: 'k',
    }));
    const expected = byBytes(processor, items, MIB).map(plain);
    for (const counted of PATHS) expect(byText(processor, items, MIB, counted).map(plain)).toEqual(expected);
    expect(Buffer.from(recordsOf(byText(processor, items, MIB, 'given'))[0]!.data).toString('utf8')).toBe(
      '\ufffd\na\ufffd\n\ufffd\n\ufffdb\n😀\né\ufffd\nplain\n',
    );
  });

  describe('sizes at the 1 MiB record limit, with multi-byte text', () => {
    // 349 lines of 1,000 × '中' (3,001 bytes each with the newline) and a 1-byte key leave
    // 1,226 bytes: the next line fits exactly when it takes 1,226 bytes with its newline.
    const fill = Array.from({ length: 349 }, () => ({ item: '中'.repeat(1000), partitionKey: 'k' }));
    const exact = 'é'.repeat(612) + 'a'; // 1,225 bytes
    const oneOver = 'é'.repeat(612) + 'ab'; // 1,226 bytes

    it.each(PATHS)('fills a record to exactly the limit (bytes %s)', (counted) => {
      const items = [...fill, { item: exact, partitionKey: 'k' }, { item: '😀', partitionKey: 'k' }];
      const records = byText(rawTextProcessor(), items, MIB, counted);
      expect(recordsOf(records).map((r) => [r.itemCount, r.size, r.data.byteLength])).toEqual([
        [350, MIB, MIB - 1],
        [1, 6, 5],
      ]);
      expect(records.map(plain)).toEqual(byBytes(rawTextProcessor(), items, MIB).map(plain));
    });

    it.each(PATHS)('starts a new record for a line one byte over (bytes %s)', (counted) => {
      const items = [...fill, { item: oneOver, partitionKey: 'k' }];
      const records = byText(rawTextProcessor(), items, MIB, counted);
      expect(recordsOf(records).map((r) => [r.itemCount, r.size])).toEqual([
        [349, 349 * 3001 + 1],
        [1, 1227 + 1],
      ]);
      expect(records.map(plain)).toEqual(byBytes(rawTextProcessor(), items, MIB).map(plain));
    });

    it.each(PATHS)('reports the exact size while the record is open (bytes %s)', (counted) => {
      const textPath = textPathOf(rawTextProcessor())!;
      const accumulator = textPath.aggregator.createAccumulator(MIB, textPath.serializer);
      let expected = 0;
      for (const text of ['é😀', '中', '\ud800', 'a']) {
        const textBytes = counted === 'given' ? Buffer.byteLength(text) : undefined;
        expect(accumulator.add({ text, textBytes, partitionKey: 'pk' })).toBeUndefined();
        expected += Buffer.byteLength(text) + 1;
        expect(accumulator.size).toBe(expected + 2);
      }
      expect(accumulator.itemCount).toBe(4);
      expect(accumulator.flush()?.size).toBe(expected + 2);
      expect(accumulator.size).toBe(0);
    });

    it.each(PATHS)(
      'rejects a line that can never fit as the byte path does, and keeps the open record (bytes %s)',
      (counted) => {
        const textPath = textPathOf(rawTextProcessor())!;
        const accumulator = textPath.aggregator.createAccumulator(MIB, textPath.serializer);
        const bytePath = newlineAggregator().createAccumulator(MIB);
        const add = (text: string) =>
          accumulator.add({
            text,
            textBytes: counted === 'given' ? Buffer.byteLength(text) : undefined,
            partitionKey: 'k',
          });
        expect(add('first')).toBeUndefined();
        const huge = 'é'.repeat(524_288);
        const error = catchError(() => add(huge));
        const byteError = catchError(() => bytePath.add({ data: Buffer.from(huge), partitionKey: 'k' }));
        expect(error).toBeInstanceOf(RecordTooLargeError);
        expect(error).toEqual(byteError);
        expect((error as RecordTooLargeError).size).toBe(2 * 524_288 + 1 + 1);
        expect(accumulator.itemCount).toBe(1);
        // 349,525 × 'é' is 699,050 bytes: it fits, though 3 bytes per character would not.
        expect(add('é'.repeat(349_525))).toBeUndefined();
        expect(accumulator.flush()).toMatchObject({ itemCount: 2, size: 6 + 699_051 + 1 });
      },
    );
  });

  it('rejects a text holding a line feed from a serializer that does not promise none, as the byte path does', () => {
    const textPath = textPathOf(rawTextProcessor())!;
    const accumulator = textPath.aggregator.createAccumulator(MIB, textPath.serializer);
    expect(accumulator.add({ text: 'a', partitionKey: 'k' })).toBeUndefined();
    const error = catchError(() => accumulator.add({ text: 'b\nc', partitionKey: 'k' }));
    const byteError = catchError(() =>
      newlineAggregator()
        .createAccumulator(MIB)
        .add({ data: Buffer.from('b\nc'), partitionKey: 'k' }),
    );
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as SerializationError).message).toBe((byteError as SerializationError).message);
    expect(accumulator.itemCount).toBe(1);
    expect(Buffer.from(accumulator.flush()!.data).toString()).toBe('a\n');
  });

  it('rejects an empty text, whose line a reader would skip, as the byte path does (even with newlineFree)', () => {
    const textPath = textPathOf(rawTextProcessor())!;
    const promisingNone = { ...textPath.serializer, newlineFree: true };
    for (const traits of [textPath.serializer, promisingNone]) {
      const accumulator = textPath.aggregator.createAccumulator(MIB, traits);
      expect(accumulator.add({ text: 'a', partitionKey: 'k' })).toBeUndefined();
      const error = catchError(() => accumulator.add({ text: '', partitionKey: 'k' }));
      const byteError = catchError(() =>
        newlineAggregator()
          .createAccumulator(MIB)
          .add({ data: Buffer.alloc(0), partitionKey: 'k' }),
      );
      expect(error).toBeInstanceOf(SerializationError);
      expect((error as SerializationError).message).toBe((byteError as SerializationError).message);
      expect(accumulator.itemCount).toBe(1);
      expect(Buffer.from(accumulator.flush()!.data).toString()).toBe('a\n');
    }
  });

  it('promises no line feed for JSON text: JSON.stringify escapes it', () => {
    const textPath = textPathOf(jsonLineProcessor<unknown>({ style: 'compact' }))!;
    expect(textPath.serializer.newlineFree).toBe(true);
    expect(textPath.serializer.serialize({ a: 'x\ny\r\u2028' })).toBe('{"a":"x\\ny\\r\u2028"}');
  });

  describe('decoding', () => {
    const bytePath = newlineAggregator();
    const textPath = newlineAggregator().text!;
    const record = (data: Uint8Array): RecordToDeaggregate => ({ data, partitionKey: 'pk' });

    it('cuts the same lines as the byte path, skipping empty ones', () => {
      // Short first lines (decoded whole, then split) and long ones (decoded line by line).
      const long = 'é'.repeat(200) + 'x'.repeat(100);
      const records = ['a\nb\n', 'a\nb', '\n\na\n\n\nb\n\n', '', '\n', 'é\n😀\n\ud800\n', 'one'];
      records.push(`${long}\n\n${long}😀\nshort\n\n`, `${long}`, `a\n${long}\n\n${long}`, `\n\n${long}\nb`);
      for (const text of records) {
        const data = Buffer.from(text, 'utf8');
        const expected = bytePath
          .deaggregate(record(data))
          .map((part) => Buffer.from(part.data).toString('utf8'));
        expect(textPath.deaggregate(record(data))).toEqual(expected);
        expect(textPath.deaggregate(record(new Uint8Array(data)))).toEqual(expected);
      }
    });

    it('leaves a record that is not valid UTF-8 to the byte path', () => {
      const data = Buffer.concat([
        Buffer.from('{"a":1}\n'),
        Buffer.from([0xc3, 0x0a]),
        Buffer.from('{"b":2}\n'),
      ]);
      expect(textPath.deaggregate(record(data))).toBeUndefined();
      expect(bytePath.deaggregate(record(data))).toHaveLength(3);
    });

    it.each(['compact', 'python'] as const)(
      'reads every item of random records as the byte path does (%s style)',
      (style) => {
        const processor = jsonLineProcessor({ style });
        const text = textPathOf(processor)!;
        for (const closed of recordsOf(byBytes(processor, randomItems(11, 1500), 4096))) {
          const parts = processor.aggregator.deaggregate(closed);
          const lines = text.aggregator.deaggregate(closed)!;
          expect(lines.map((line) => text.serializer.deserialize(line))).toEqual(
            parts.map((part) => processor.serializer.deserialize(part.data)),
          );
        }
      },
    );

    it('fails on the same items with the same errors as the byte path', () => {
      const serializer = jsonLineProcessor().serializer;
      for (const line of ['{oops', '', '[1,', 'NaN', '-Infinity', '{"a": NaN}', 'undefined']) {
        const viaText = outcome(() => serializer.text!.deserialize(line));
        const viaBytes = outcome(() => serializer.deserialize(Buffer.from(line)));
        expect(viaText).toEqual(viaBytes);
      }
      expect(catchError(() => serializer.text!.deserialize('{oops'))).toBeInstanceOf(DeserializationError);
    });
  });

  it('serializes a value with no JSON form with the same error on both paths', () => {
    const serializer = jsonLineProcessor().serializer;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [undefined, () => 1, Symbol('s'), cyclic, { big: 1n }]) {
      const viaText = catchError(() => serializer.text!.serialize(value));
      const viaBytes = catchError(() => serializer.serialize(value));
      expect(viaText).toBeInstanceOf(SerializationError);
      expect((viaText as Error).message).toBe((viaBytes as Error).message);
    }
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}
