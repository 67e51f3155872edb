// Case: the KPL aggregator wrote whatever keys its entries had into its key tables, where no
// service checks them: an explicit hash key "abc", "01" or 2^128, an empty partition key or one
// with a lone surrogate went into a record that PutRecords accepted (only the outer record's keys
// are checked) and that the KCL then reads as corrupt. Writing, such an entry is now refused
// alone, as PutRecords refuses it, with InvalidOptionError. Reading, an explicit hash key of the
// table that the KCL cannot read as a hash key fails the record with KplDecodeError, while what
// the KCL reads (a sign, leading zeros) passes, as does a partition key that is empty or not valid
// UTF-8 (U+FFFD), as the KCL reads them.
import { createHash } from 'node:crypto';
import {
  InvalidOptionError,
  kplAggregator,
  KplDecodeError,
  type AggregatorEntry,
} from '../../../src/index.js';

const MAX = ((1n << 128n) - 1n).toString();

function varint(value: number): Buffer {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return Buffer.from(out);
}

const field = (tag: number, value: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), varint(value.length), value]);

/** A KPL record: key tables as given (bytes), one sub-record per [partition key index, EHK index?]. */
function kplRecord(
  partitionKeys: readonly Buffer[],
  explicitHashKeys: readonly Buffer[],
  items: readonly (readonly [number, number?])[],
): Buffer {
  const body = Buffer.concat([
    ...partitionKeys.map((key) => field(0x0a, key)),
    ...explicitHashKeys.map((key) => field(0x12, key)),
    ...items.map(([pk, ehk], i) =>
      field(
        0x1a,
        Buffer.concat([
          Buffer.from([0x08, pk]),
          ...(ehk === undefined ? [] : [Buffer.from([0x10, ehk])]),
          field(0x1a, Buffer.from(String(i))),
        ]),
      ),
    ),
  ]);
  return Buffer.concat([
    Buffer.from([0xf3, 0x89, 0x9a, 0xc2]),
    body,
    createHash('md5').update(body).digest(),
  ]);
}

describe('writing: keys PutRecords would refuse are refused per entry', () => {
  const bad: readonly (readonly [string, Partial<AggregatorEntry>])[] = [
    ['an explicit hash key "abc"', { explicitHashKey: 'abc' }],
    ['an explicit hash key with a leading zero', { explicitHashKey: '01' }],
    ['an explicit hash key of 2^128', { explicitHashKey: (1n << 128n).toString() }],
    ['a negative explicit hash key', { explicitHashKey: '-1' }],
    ['an empty explicit hash key', { explicitHashKey: '' }],
    ['an empty partition key', { partitionKey: '' }],
    ['a partition key of 257 characters', { partitionKey: 'k'.repeat(257) }],
    ['a partition key with a lone surrogate', { partitionKey: 'a\ud800' }],
  ];

  test.each(bad)('%s, first in a record', (_case, keys) => {
    const accumulator = kplAggregator().createAccumulator(1024 * 1024);
    expect(() => accumulator.add({ data: Buffer.from('x'), partitionKey: 'k', ...keys })).toThrow(
      InvalidOptionError,
    );
    expect(accumulator.itemCount).toBe(0);
    expect(accumulator.flush()).toBeUndefined();
  });

  test.each(bad)('%s, after other entries: they are kept, the record reads back', (_case, keys) => {
    const kpl = kplAggregator();
    const accumulator = kpl.createAccumulator(1024 * 1024);
    accumulator.add({ data: Buffer.from('a'), partitionKey: 'k', explicitHashKey: '5' });
    const size = accumulator.size;
    expect(() => accumulator.add({ data: Buffer.from('x'), partitionKey: 'k', ...keys })).toThrow(
      InvalidOptionError,
    );
    expect(accumulator.size).toBe(size);
    accumulator.add({ data: Buffer.from('b'), partitionKey: 'j' });
    const record = accumulator.flush()!;
    expect(record.itemCount).toBe(2);
    expect(kpl.deaggregate(record).map((item) => [item.partitionKey, item.explicitHashKey])).toEqual([
      ['k', '5'],
      ['j', undefined],
    ]);
  });

  test('on the text path too', () => {
    const accumulator = kplAggregator().text!.createAccumulator(1024 * 1024, {
      ascii: true,
      newlineFree: true,
    });
    accumulator.add({ text: 'a', partitionKey: 'k' });
    expect(() => accumulator.add({ text: 'x', partitionKey: 'k', explicitHashKey: '1e3' })).toThrow(
      'an ExplicitHashKey must be a decimal integer string without leading zeros from 0 to 2^128-1',
    );
    expect(() => accumulator.add({ text: 'x', partitionKey: '' })).toThrow(InvalidOptionError);
    expect(accumulator.flush()?.itemCount).toBe(1);
  });

  test('the keys Kinesis allows are written: 0, 2^128-1, 256 characters, emoji', () => {
    const kpl = kplAggregator();
    const accumulator = kpl.createAccumulator(1024 * 1024);
    const entries: AggregatorEntry[] = [
      { data: Buffer.from('a'), partitionKey: 'k'.repeat(256), explicitHashKey: '0' },
      { data: Buffer.from('b'), partitionKey: '😀'.repeat(128), explicitHashKey: MAX },
      { data: Buffer.from('c'), partitionKey: 'é' },
    ];
    for (const entry of entries) accumulator.add(entry);
    const items = kpl.deaggregate(accumulator.flush()!);
    expect(items.map((item) => [item.partitionKey, item.explicitHashKey])).toEqual(
      entries.map((entry) => [entry.partitionKey, entry.explicitHashKey]),
    );
  });
});

describe('reading: explicit hash keys of the table', () => {
  test.each([
    ['"abc"', 'abc'],
    ['empty', ''],
    ['"1e3"', '1e3'],
    ['negative', '-1'],
    ['2^128', (1n << 128n).toString()],
    ['a sign alone', '+'],
    ['1,000 digits', '9'.repeat(1000)],
  ])('%s fails the record with KplDecodeError, even when no item names it', (_case, key) => {
    const data = kplRecord([Buffer.from('k')], [Buffer.from('7'), Buffer.from(key)], [[0, 0]]);
    expect(() => kplAggregator().deaggregate({ data, partitionKey: 'k' })).toThrow(KplDecodeError);
    expect(() => kplAggregator().deaggregateLazily!({ data, partitionKey: 'k' })).toThrow(
      'explicit hash key 1 of the table',
    );
    expect(() => kplAggregator().text!.deaggregate({ data, partitionKey: 'k' })).toThrow(KplDecodeError);
  });

  test.each([
    ['0', '0'],
    ['2^128-1', MAX],
    ['with leading zeros', `000${MAX}`],
    ['with a plus sign', '+42'],
    ['minus zero', '-0'],
  ])('%s is read as written, as the KCL reads it', (_case, key) => {
    const data = kplRecord([Buffer.from('k')], [Buffer.from(key)], [[0, 0], [0]]);
    const items = kplAggregator().deaggregate({ data, partitionKey: 'k' });
    expect(items.map((item) => item.explicitHashKey)).toEqual([key, undefined]);
  });

  test('an index outside the table is a KplDecodeError', () => {
    const data = kplRecord([Buffer.from('k')], [Buffer.from('1')], [[0, 1]]);
    expect(() => kplAggregator().deaggregate({ data, partitionKey: 'k' })).toThrow(
      'sub-record 0 has explicit_hash_key_index 1 but the table has 1 keys',
    );
  });
});

describe('reading: partition keys Kinesis would not take are read, as the KCL reads them', () => {
  test('an empty key', () => {
    const data = kplRecord([Buffer.alloc(0), Buffer.from('k')], [], [[0], [1]]);
    const items = kplAggregator().deaggregate({ data, partitionKey: 'k' });
    expect(items.map((item) => item.partitionKey)).toEqual(['', 'k']);
  });

  test('a key that is not valid UTF-8: each bad sequence reads as U+FFFD', () => {
    const data = kplRecord([Buffer.from([0x61, 0xff, 0x62, 0xed, 0xa0, 0x80])], [], [[0]]);
    const [item] = kplAggregator().deaggregate({ data, partitionKey: 'k' });
    expect(item?.partitionKey).toBe('a\ufffdb\ufffd\ufffd\ufffd');
    expect(Buffer.from(item!.data).toString()).toBe('0');
  });
});
