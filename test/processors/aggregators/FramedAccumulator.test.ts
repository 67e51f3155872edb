import { InvalidOptionError } from '../../../src/errors/InvalidOptionError';
import type { AggregatedRecord, Aggregator } from '../../../src/processors/Aggregator';
import { listAggregator } from '../../../src/processors/aggregators/listAggregator';
import { netstringAggregator } from '../../../src/processors/aggregators/netstringAggregator';
import { newlineAggregator } from '../../../src/processors/aggregators/newlineAggregator';
import { noneAggregator } from '../../../src/processors/aggregators/noneAggregator';
import { RecordTooLargeError } from '../../../src/processors/errors/RecordTooLargeError';

const entry = (size: number, partitionKey = 'k') => ({
  data: Buffer.alloc(size, 0x61),
  partitionKey,
});

describe.each<[string, Aggregator, (sizes: number[]) => number]>([
  ['none', noneAggregator(), (sizes) => sizes[0] as number],
  ['newline', newlineAggregator(), (sizes) => sizes.reduce((sum, s) => sum + s + 1, 0)],
  ['list', listAggregator(), (sizes) => 2 + sizes.reduce((sum, s) => sum + s, 0) + 2 * (sizes.length - 1)],
  [
    'netstring',
    netstringAggregator(),
    (sizes) => sizes.reduce((sum, s) => sum + String(s).length + 2 + s, 0),
  ],
])('%s accumulator', (_name, aggregator, dataBytes) => {
  it('validates the record limit: 1 .. 10 MiB', () => {
    for (const bad of [0, -1, 1.5, 10 * 1024 * 1024 + 1, Number.NaN, '1024' as unknown as number]) {
      expect(() => aggregator.createAccumulator(bad)).toThrow(InvalidOptionError);
    }
    expect(() => aggregator.createAccumulator(1)).not.toThrow();
    expect(() => aggregator.createAccumulator(10 * 1024 * 1024)).not.toThrow();
  });

  it('accepts an item exactly at the limit and rejects one byte over, state unchanged', () => {
    const limit = 1000;
    const key = 'ключ'; // 8 UTF-8 bytes
    const exact = (() => {
      // find the data size whose record is exactly the limit
      for (let size = limit; size > 0; size -= 1) if (dataBytes([size]) + 8 === limit) return size;
      throw new Error('no exact size');
    })();
    const accumulator = aggregator.createAccumulator(limit);
    expect(accumulator.add(entry(3, key))).toBeUndefined();
    const before = { count: accumulator.itemCount, size: accumulator.size };
    let error: unknown;
    try {
      accumulator.add(entry(exact + 1, key));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect(error).toMatchObject({ size: limit + 1, limit });
    expect({ count: accumulator.itemCount, size: accumulator.size }).toEqual(before);

    const closed = accumulator.add(entry(exact, key));
    expect(closed?.itemCount).toBe(1);
    const last = accumulator.flush() as AggregatedRecord;
    expect(last.size).toBe(limit);
    expect(last.data.byteLength + Buffer.byteLength(key)).toBe(limit);
    expect(last.partitionKey).toBe(key);
    expect(accumulator.flush()).toBeUndefined();
    expect(accumulator.size).toBe(0);
  });

  it('closes a record before the next item would overflow it, with exact sizes', () => {
    const limit = 200;
    const accumulator = aggregator.createAccumulator(limit);
    const records: AggregatedRecord[] = [];
    const sizes = [10, 50, 3, 70, 20, 90, 1, 1, 40, 120];
    for (const size of sizes) {
      const closed = accumulator.add(entry(size, 'pk-é'));
      if (closed) records.push(closed);
    }
    const last = accumulator.flush();
    if (last) records.push(last);
    let index = 0;
    for (const record of records) {
      const held = sizes.slice(index, index + record.itemCount);
      index += record.itemCount;
      const expected = dataBytes(held) + Buffer.byteLength('pk-é');
      expect(record.size).toBe(expected);
      expect(record.data.byteLength + Buffer.byteLength('pk-é')).toBe(expected);
      expect(record.size).toBeLessThanOrEqual(limit);
      // the next item would not have fitted
      const next = sizes[index];
      if (next !== undefined && aggregator.aggregates) {
        expect(dataBytes([...held, next]) + Buffer.byteLength('pk-é')).toBeGreaterThan(limit);
      }
    }
    expect(index).toBe(sizes.length);
    const items = records.flatMap((record) =>
      aggregator.deaggregate({ data: record.data, partitionKey: record.partitionKey }),
    );
    expect(items.map((item) => item.data.byteLength)).toEqual(sizes);
  });

  it('counts the partition key in UTF-8 bytes and keeps the first entry keys', () => {
    const accumulator = aggregator.createAccumulator(1024);
    accumulator.add({ data: Buffer.from('1'), partitionKey: '😀', explicitHashKey: '42' });
    expect(accumulator.size).toBe(dataBytes([1]) + 4);
    const record = aggregator.aggregates
      ? (accumulator.add({ data: Buffer.from('2'), partitionKey: 'other' }), accumulator.flush())
      : accumulator.flush();
    expect(record).toMatchObject({ partitionKey: '😀', explicitHashKey: '42' });
  });
});
