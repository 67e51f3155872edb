import type { AggregatedRecord, Aggregator } from '../../../src/processors/Aggregator';
import { listAggregator } from '../../../src/processors/aggregators/listAggregator';
import { netstringAggregator } from '../../../src/processors/aggregators/netstringAggregator';
import { newlineAggregator } from '../../../src/processors/aggregators/newlineAggregator';
import { noneAggregator } from '../../../src/processors/aggregators/noneAggregator';
import { MalformedJsonListError } from '../../../src/processors/errors/MalformedJsonListError';
import { MalformedNetstringError } from '../../../src/processors/errors/MalformedNetstringError';
import { SerializationError } from '../../../src/processors/errors/SerializationError';
import { bytes } from '../seededRandom';

function aggregateAll(aggregator: Aggregator, items: Uint8Array[]): AggregatedRecord[] {
  const accumulator = aggregator.createAccumulator(1024 * 1024);
  const records: AggregatedRecord[] = [];
  for (const data of items) {
    const closed = accumulator.add({ data, partitionKey: 'pk' });
    if (closed) records.push(closed);
  }
  const last = accumulator.flush();
  if (last) records.push(last);
  return records;
}

const deaggregate = (aggregator: Aggregator, data: Uint8Array): string[] =>
  aggregator
    .deaggregate({ data, partitionKey: 'pk' })
    .map((item) => Buffer.from(item.data).toString('latin1'));

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('newline aggregator (async-kinesis NewlineAggregator)', () => {
  const newline = newlineAggregator();

  it('writes each item followed by \\n, the last one included', () => {
    const [record] = aggregateAll(newline, [latin1('{"a": 1}'), latin1('{"b": 2}')]);
    expect(Buffer.from(record?.data ?? []).toString('latin1')).toBe('{"a": 1}\n{"b": 2}\n');
    expect(record?.itemCount).toBe(2);
    expect(record?.size).toBe(18 + 2);
  });

  it('skips empty lines when reading', () => {
    expect(deaggregate(newline, latin1('\n{"a": 1}\n\n{"b": 2}'))).toEqual(['{"a": 1}', '{"b": 2}']);
    expect(deaggregate(newline, latin1(''))).toEqual([]);
  });

  it('refuses an empty item, whose line a reader would skip (delivered, never read)', () => {
    const accumulator = newline.createAccumulator(1024);
    expect(accumulator.add({ data: latin1('x'), partitionKey: 'k' })).toBeUndefined();
    expect(() => accumulator.add({ data: latin1(''), partitionKey: 'k' })).toThrow(
      /the item is empty, and the newline framing cannot hold it/,
    );
    expect(() => accumulator.add({ data: new Uint8Array(0), partitionKey: 'k' })).toThrow(SerializationError);
    expect(accumulator.itemCount).toBe(1);
    const record = accumulator.flush();
    expect(Buffer.from(record?.data ?? []).toString('latin1')).toBe('x\n');
    expect(deaggregate(newline, record?.data ?? new Uint8Array(0))).toEqual(['x']);
  });

  it('reads a plain record without trailing newline as one item', () => {
    expect(deaggregate(newline, latin1('{"a": 1}'))).toEqual(['{"a": 1}']);
  });

  it('refuses items holding a newline byte', () => {
    const accumulator = newline.createAccumulator(1024);
    expect(() => accumulator.add({ data: latin1('a\nb'), partitionKey: 'k' })).toThrow(SerializationError);
    expect(accumulator.itemCount).toBe(0);
  });
});

describe('list aggregator (async-kinesis ListAggregator)', () => {
  const list = listAggregator();

  it('refuses an empty item, which would make the record unreadable (or read as no item)', () => {
    const accumulator = list.createAccumulator(1024);
    expect(accumulator.add({ data: latin1('1'), partitionKey: 'k' })).toBeUndefined();
    expect(() => accumulator.add({ data: latin1(''), partitionKey: 'k' })).toThrow(SerializationError);
    expect(accumulator.itemCount).toBe(1);
    expect(accumulator.add({ data: latin1('2'), partitionKey: 'k' })).toBeUndefined();
    const record = accumulator.flush();
    expect(Buffer.from(record?.data ?? []).toString('latin1')).toBe('[1, 2]');
    expect(deaggregate(list, record?.data ?? new Uint8Array(0))).toEqual(['1', '2']);
    expect(() => list.createAccumulator(1024).add({ data: new Uint8Array(0), partitionKey: 'k' })).toThrow(
      /the item is empty, and the list framing cannot hold it/,
    );
  });

  it('writes one JSON array joined with ", "', () => {
    const [record] = aggregateAll(list, [latin1('123'), latin1('"test"')]);
    expect(Buffer.from(record?.data ?? []).toString('latin1')).toBe('[123, "test"]');
    expect(record?.size).toBe(13 + 2);
    const [single] = aggregateAll(list, [latin1('{"a": 1}')]);
    expect(Buffer.from(single?.data ?? []).toString('latin1')).toBe('[{"a": 1}]');
  });

  it('reads elements of Python and compact arrays', () => {
    expect(deaggregate(list, latin1('[{"a": 1}, {"b": [2, "],\\""]}]'))).toEqual([
      '{"a": 1}',
      '{"b": [2, "],\\""]}',
    ]);
    expect(deaggregate(list, latin1(' [1,"x",[],{}] '))).toEqual(['1', '"x"', '[]', '{}']);
    expect(deaggregate(list, latin1('[]'))).toEqual([]);
  });

  it('reads a record that is not an array as one item', () => {
    expect(deaggregate(list, latin1('{"a": 1}'))).toEqual(['{"a": 1}']);
  });

  it.each(['[1, 2', '[1,,2]', '["abc]', '[1] x', '[1}'])('rejects malformed array %s', (text) => {
    expect(() => deaggregate(list, latin1(text))).toThrow(MalformedJsonListError);
  });
});

describe('netstring aggregator (async-kinesis NetstringAggregator)', () => {
  const netstring = netstringAggregator();

  it('frames the msgpack items {"a":1}, {"b":2} as the documented 14 bytes', () => {
    const [record] = aggregateAll(netstring, [bytes('81a16101'), bytes('81a16202')]);
    expect(Buffer.from(record?.data ?? []).toString('hex')).toBe('343a81a161012c343a81a162022c');
    expect(record?.size).toBe(14 + 2);
    expect(
      netstring
        .deaggregate({ data: bytes('343a81a161012c343a81a162022c'), partitionKey: 'pk' })
        .map((item) => Buffer.from(item.data).toString('hex')),
    ).toEqual(['81a16101', '81a16202']);
  });

  it('frames strings and empty items', () => {
    const [record] = aggregateAll(netstring, [latin1('123'), latin1('test'), latin1('')]);
    expect(Buffer.from(record?.data ?? []).toString('latin1')).toBe('3:123,4:test,0:,');
    expect(deaggregate(netstring, latin1('3:123,4:test,0:,'))).toEqual(['123', 'test', '']);
  });

  it('uses multi-digit lengths', () => {
    const big = Buffer.alloc(12345, 0x62);
    const [record] = aggregateAll(netstring, [big]);
    expect(
      Buffer.from(record?.data ?? [])
        .subarray(0, 6)
        .toString('latin1'),
    ).toBe('12345:');
    expect(record?.data.byteLength).toBe(12345 + 7);
  });

  it.each([
    ['3:12,', 'past the end'],
    ['3:1234', 'expected ","'],
    ['3:123;', 'expected ","'],
    ['3-123,', 'expected ":"'],
    [':123,', 'expected a decimal length'],
    ['3:123,x', 'expected a decimal length'],
    ['12345678901:', 'too many digits'],
    ['{"a": 1}', 'expected a decimal length'],
  ])('rejects %j with MalformedNetstringError (%s)', (text, message) => {
    expect(() => deaggregate(netstring, latin1(text))).toThrow(MalformedNetstringError);
    expect(() => deaggregate(netstring, latin1(text))).toThrow(message);
  });

  it('reads an empty record as no items', () => {
    expect(deaggregate(netstring, latin1(''))).toEqual([]);
  });
});

describe('none aggregator (async-kinesis SimpleAggregator)', () => {
  const none = noneAggregator();

  it('puts each item in its own record, bytes unchanged', () => {
    const records = aggregateAll(none, [latin1('{"a": 1}'), latin1('')]);
    expect(records.map((r) => Buffer.from(r.data).toString('latin1'))).toEqual(['{"a": 1}', '']);
    expect(records.map((r) => r.itemCount)).toEqual([1, 1]);
  });

  it('reads a record as one item with the record keys', () => {
    expect(none.deaggregate({ data: latin1('x'), partitionKey: 'p', explicitHashKey: '7' })).toEqual([
      { data: latin1('x'), partitionKey: 'p', explicitHashKey: '7', subSequenceNumber: 0 },
    ]);
  });
});
