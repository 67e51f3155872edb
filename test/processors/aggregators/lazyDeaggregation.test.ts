// The lazy forms of the built-in aggregators (deaggregateLazily on the byte path and on the text
// path) give exactly what deaggregate() gives: the same items, keys and order, item by item, and
// the same errors for malformed records, thrown before any item is made.
import { createHash } from 'node:crypto';
import type {
  Aggregator,
  AggregatorEntry,
  DeaggregatedItems,
  RecordToDeaggregate,
} from '../../../src/processors/Aggregator';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator';
import { listAggregator } from '../../../src/processors/aggregators/listAggregator';
import { netstringAggregator } from '../../../src/processors/aggregators/netstringAggregator';
import { newlineAggregator } from '../../../src/processors/aggregators/newlineAggregator';
import { KplDecodeError } from '../../../src/processors/errors/KplDecodeError';
import { bytes, randomJson, randomString, seededRandom } from '../seededRandom';

const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

/** One item, comparable (as one line: records of many items compare fast). */
const line = (data: Uint8Array, partitionKey: string, explicitHashKey: string | undefined, sub: number) =>
  `${sub} ${hex(data)} ${partitionKey} ${explicitHashKey ?? '-'}`;

/** What deaggregate() returns, comparable. */
function eager(aggregator: Aggregator, record: RecordToDeaggregate): string[] {
  return aggregator
    .deaggregate(record)
    .map((item) => line(item.data, item.partitionKey, item.explicitHashKey, item.subSequenceNumber));
}

/** What deaggregateLazily() gives, item by item, comparable; its views share the record's bytes. */
function lazy(aggregator: Aggregator, record: RecordToDeaggregate): string[] {
  const items = aggregator.deaggregateLazily?.(record) as DeaggregatedItems;
  const lines: string[] = [];
  for (let i = 0; i < items.count; i += 1) {
    const data = items.data(i);
    if (data.buffer !== record.data.buffer) throw new Error(`item ${i} is not a view of the record's bytes`);
    lines.push(line(data, items.partitionKey(i), items.explicitHashKey(i), i));
  }
  return lines;
}

function aggregate(aggregator: Aggregator, entries: readonly AggregatorEntry[]): Uint8Array[] {
  const accumulator = aggregator.createAccumulator(1024 * 1024);
  const records: Uint8Array[] = [];
  for (const entry of entries) {
    const closed = accumulator.add(entry);
    if (closed !== undefined) records.push(closed.data);
  }
  const last = accumulator.flush();
  if (last !== undefined) records.push(last.data);
  return records;
}

/** The error `run` throws, as class name and message (undefined when it throws none). */
function thrown(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const kplRecord = (bodyHex: string): Buffer => {
  const body = bytes(bodyHex);
  return Buffer.concat([bytes('f3899ac2'), body, createHash('md5').update(body).digest()]);
};

const random = seededRandom(7);
const jsonItems = (count: number): Buffer[] =>
  Array.from({ length: count }, () => Buffer.from(JSON.stringify(randomJson(random)), 'utf8'));
/** Non-empty items without a line feed (the newline format skips empty lines). */
const rawItems = (count: number): Buffer[] =>
  Array.from({ length: count }, () => Buffer.from(`-${randomString(random, 30).replace(/\n/g, '')}`, 'utf8'));

describe.each([
  // A newline record of 36,000 items needs a table larger than the one kept between records.
  ['newline', newlineAggregator(), rawItems, 36_000],
  ['list', listAggregator(), jsonItems, 0],
  ['netstring', netstringAggregator(), rawItems, 0],
  ['kpl', kplAggregator(), rawItems, 0],
] as const)('%s aggregator: deaggregateLazily()', (_name, aggregator, items, many) => {
  it.each([0, 1, 7, 3000, ...(many === 0 ? [] : [many])])(
    'gives the items deaggregate() gives (%i items)',
    (count) => {
      const entries = items(count).map((data, i) => ({
        data,
        partitionKey: `pk-${i % 5}`,
        ...(i % 7 === 3 ? { explicitHashKey: String(1000 + (i % 3)) } : {}),
      }));
      const records = count === 0 ? [new Uint8Array(0)] : aggregate(aggregator, entries);
      let seen = 0;
      for (const data of records) {
        const record = { data, partitionKey: 'outer', explicitHashKey: '77' };
        const items = lazy(aggregator, record);
        // Joined: one comparison of two strings, not of thousands of array elements.
        expect(items.join('\n')).toBe(eager(aggregator, record).join('\n'));
        seen += items.length;
      }
      if (count > 0) expect(seen).toBe(count);
    },
  );
});

describe('deaggregateLazily() of hand-made records', () => {
  it.each([
    ['newline', '\n\na\n\nbc\nd', newlineAggregator()],
    ['newline', '\n\n', newlineAggregator()],
    ['list', ' [ {"a": "]"} ,\t"x\\"," ,[1, [2]] ] ', listAggregator()],
    ['list', '[]', listAggregator()],
    ['list', '{"not": "an array"}', listAggregator()],
    ['netstring', '0:,3:abc,', netstringAggregator()],
    ['kpl', 'plain, without the magic', kplAggregator()],
    // A key index that the table only reaches after the sub-record.
    ['kpl', kplRecord('1a0508011a0178 0a04706b2d61 0a0171').toString('latin1'), kplAggregator()],
  ])('%s: %j', (_name, text, aggregator) => {
    const record = { data: Buffer.from(text, 'latin1'), partitionKey: 'p' };
    expect(lazy(aggregator, record)).toEqual(eager(aggregator, record));
  });

  it('passes a record without the KPL magic through as itself', () => {
    const data = Buffer.from('plain');
    const items = kplAggregator().deaggregateLazily?.({ data, partitionKey: 'p', explicitHashKey: '5' });
    expect(items?.count).toBe(1);
    expect(items?.data(0)).toBe(data);
    expect(items?.explicitHashKey(0)).toBe('5');
  });

  it.each([
    ['list', '[1, 2', listAggregator()],
    ['list', '[1, 2] [3]', listAggregator()],
    ['list', '[1, }', listAggregator()],
    ['list', '[1, , 2]', listAggregator()],
    ['netstring', '3:abc,99999999999999999999999:ab,', netstringAggregator()],
    ['netstring', '3:abc,x', netstringAggregator()],
    ['netstring', '3:abc,4:abc,', netstringAggregator()],
    ['kpl', 'f3899ac200', kplAggregator()],
  ])('%s: throws what deaggregate() throws for %j, the whole record refused', (_name, text, aggregator) => {
    const data = text.startsWith('f389') ? bytes(text) : Buffer.from(text, 'latin1');
    const record = { data, partitionKey: 'p' };
    const error = thrown(() => aggregator.deaggregate(record));
    expect(error).toMatch(/Error: /);
    expect(thrown(() => aggregator.deaggregateLazily?.(record))).toBe(error);
  });

  it.each([
    ['a truncated length-delimited field', '0a05706b', undefined],
    ['a sub-record cut short', '0a04706b2d61 1a0908001a0568656c', undefined],
    [
      'an out-of-range partition key index',
      '0a04706b2d61 1a0508011a0100',
      'sub-record 0 has partition_key_index 1 but the table has 1 keys',
    ],
    [
      'a partition key index past 2^31',
      '0a04706b2d61 1a0508001a0100 1a0a0880808080801f1a0100',
      'sub-record 1 has partition_key_index 1065151889408 but the table has 1 keys',
    ],
    [
      'an explicit hash key index past 2^31',
      '0a04706b2d61 1a0b08001080808080201a0100',
      'sub-record 0 has explicit_hash_key_index 8589934592 but the table has 0 keys',
    ],
    ['a sub-record without data', '0a04706b2d61 1a020800', undefined],
    // Key indexes are checked once the whole body is read: the truncated field is the fault.
    ['a truncated field after an out-of-range key index', '1a0508051a0100 0a04706b2d61 0a05', 'truncated'],
  ])('kpl: rejects %s as deaggregate() does', (_name, body, message) => {
    const kpl = kplAggregator();
    const record = { data: kplRecord(body), partitionKey: 'p' };
    const error = thrown(() => kpl.deaggregate(record));
    expect(error).toMatch(/^KplDecodeError: /);
    if (message !== undefined) expect(error).toContain(message);
    expect(thrown(() => kpl.deaggregateLazily?.(record))).toBe(error);
    expect(thrown(() => kpl.text?.deaggregateLazily?.(record))).toBe(error);
    expect(() => kpl.deaggregate(record)).toThrow(KplDecodeError);
  });
});

describe('text path: deaggregateLazily()', () => {
  /** The lazy texts, each made as it is asked for. */
  function texts(aggregator: Aggregator, record: RecordToDeaggregate): (string | undefined)[] | undefined {
    const lazyTexts = aggregator.text?.deaggregateLazily?.(record);
    return lazyTexts === undefined
      ? undefined
      : Array.from({ length: lazyTexts.count }, (_, i) => lazyTexts.text(i));
  }

  it.each([
    ['short lines', 40],
    ['long lines', 600],
  ])('newline: gives the lines deaggregate() gives (%s), or undefined for invalid UTF-8', (_name, length) => {
    const newline = newlineAggregator();
    for (let round = 0; round < 20; round += 1) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 50) }, () =>
        randomString(random, length).replace(/\n/g, ''),
      );
      const text = lines.join(random() < 0.3 ? '\n\n' : '\n') + (random() < 0.5 ? '\n' : '');
      const record = { data: Buffer.from(text, 'utf8'), partitionKey: 'p' };
      expect(texts(newline, record)).toEqual(newline.text?.deaggregate(record));
      const invalid = { data: Buffer.concat([record.data, bytes('ff0a')]), partitionKey: 'p' };
      expect(newline.text?.deaggregate(invalid)).toBeUndefined();
      expect(texts(newline, invalid)).toBeUndefined();
    }
  });

  it('kpl: gives the texts deaggregate() gives; a record with items of other keys takes the byte path', () => {
    const kpl = kplAggregator();
    const strings = Array.from({ length: 3000 }, () => randomString(random, 20));
    const own = aggregate(
      kpl,
      strings.map((text) => ({ data: Buffer.from(text, 'utf8'), partitionKey: 'p', explicitHashKey: '9' })),
    );
    for (const data of own) {
      const record = { data, partitionKey: 'p', explicitHashKey: '9' };
      expect(texts(kpl, record)).toEqual(kpl.text?.deaggregate(record));
      expect(texts(kpl, record)).toHaveLength(eager(kpl, record).length);
      // Other keys than the record's: the byte path, lazily as eagerly.
      for (const other of [
        { data, partitionKey: 'q', explicitHashKey: '9' },
        { data, partitionKey: 'p' },
        { data, partitionKey: 'p', explicitHashKey: '8' },
      ]) {
        expect(kpl.text?.deaggregate(other)).toBeUndefined();
        expect(texts(kpl, other)).toBeUndefined();
      }
    }
    const plain = { data: Buffer.from('plain ü', 'utf8'), partitionKey: 'p' };
    expect(texts(kpl, plain)).toEqual(['plain ü']);
  });

  it('kpl: an item that is not valid UTF-8 gives no text, the others theirs', () => {
    const kpl = kplAggregator();
    const entries: AggregatorEntry[] = ['a', 'b\uFFFD', 'c'].map((text) => ({
      data: Buffer.from(text, 'utf8'),
      partitionKey: 'p',
    }));
    entries.splice(2, 0, { data: bytes('62ff'), partitionKey: 'p' });
    const [data] = aggregate(kpl, entries);
    const record = { data: data as Uint8Array, partitionKey: 'p' };
    expect(kpl.text?.deaggregate(record)).toBeUndefined();
    expect(texts(kpl, record)).toEqual(['a', 'b\uFFFD', undefined, 'c']);
    const plain = { data: bytes('62ff'), partitionKey: 'p' };
    expect(texts(kpl, plain)).toEqual([undefined]);
  });
});
