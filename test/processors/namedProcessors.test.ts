import type { AggregatedRecord } from '../../src/processors/Aggregator';
import {
  jsonLineProcessor,
  jsonListProcessor,
  jsonProcessor,
  kplJsonProcessor,
  kplMsgpackProcessor,
  kplStringProcessor,
  msgpackProcessor,
  stringProcessor,
} from '../../src/processors/namedProcessors';
import type { Processor } from '../../src/processors/Processor';
import { oracleDeaggregate } from './awsKinesisAgg';
import { randomJson, randomString, seededRandom } from './seededRandom';

function encode<T>(
  processor: Processor<T>,
  items: T[],
  limit = 1024 * 1024,
  partitionKey = 'pk',
): AggregatedRecord[] {
  const accumulator = processor.aggregator.createAccumulator(limit);
  const records: AggregatedRecord[] = [];
  for (const item of items) {
    const closed = accumulator.add({ data: processor.serializer.serialize(item), partitionKey });
    if (closed) records.push(closed);
  }
  const last = accumulator.flush();
  if (last) records.push(last);
  return records;
}

function decode<T>(processor: Processor<T>, records: AggregatedRecord[]): T[] {
  return records.flatMap((record) =>
    processor.aggregator
      .deaggregate({ data: record.data, partitionKey: record.partitionKey })
      .map((item) => processor.serializer.deserialize(item.data)),
  );
}

const latin1 = (records: AggregatedRecord[]): string[] =>
  records.map((record) => Buffer.from(record.data).toString('latin1'));

describe('named processors write the async-kinesis wire formats', () => {
  const items = [{ a: 1 }, { b: 2 }];

  it('stringProcessor: one UTF-8 string per record', () => {
    expect(latin1(encode(stringProcessor(), ['test string', '']))).toEqual(['test string', '']);
    expect(stringProcessor()).toMatchObject({ name: 'string', aggregator: { name: 'none' } });
  });

  it('jsonProcessor: one json.dumps item per record', () => {
    expect(latin1(encode(jsonProcessor(), items))).toEqual(['{"a": 1}', '{"b": 2}']);
  });

  it('jsonLineProcessor: items followed by \\n, the last one included', () => {
    expect(latin1(encode(jsonLineProcessor(), items))).toEqual(['{"a": 1}\n{"b": 2}\n']);
  });

  it('jsonListProcessor: one JSON array per record', () => {
    expect(latin1(encode(jsonListProcessor(), items))).toEqual(['[{"a": 1}, {"b": 2}]']);
    expect(latin1(encode(jsonListProcessor(), [123, 'test']))).toEqual(['[123, "test"]']);
  });

  it('msgpackProcessor: msgpack items in netstrings', () => {
    const [record] = encode(msgpackProcessor(), items);
    expect(Buffer.from(record?.data ?? []).toString('hex')).toBe('343a81a161012c343a81a162022c');
  });

  it.each<[string, Processor<unknown>, string[]]>([
    ['kplJsonProcessor', kplJsonProcessor(), ['{"a": 1}', '{"b": 2}']],
    ['kplMsgpackProcessor', kplMsgpackProcessor(), ['\x81\xa1a\x01', '\x81\xa1b\x02']],
  ])('%s: items in a KPL record that aws-kinesis-agg reads', (_name, processor, expected) => {
    const [record] = encode(processor, items);
    expect(
      Buffer.from(record?.data ?? [])
        .subarray(0, 4)
        .toString('hex'),
    ).toBe('f3899ac2');
    const subRecords = oracleDeaggregate(record?.data ?? new Uint8Array());
    expect(subRecords.map((r) => Buffer.from(r.data, 'base64').toString('latin1'))).toEqual(expected);
  });

  it('kplStringProcessor: UTF-8 strings in a KPL record', () => {
    const [record] = encode(kplStringProcessor(), ['123', 'tést']);
    const subRecords = oracleDeaggregate(record?.data ?? new Uint8Array());
    expect(subRecords.map((r) => Buffer.from(r.data, 'base64').toString('utf8'))).toEqual(['123', 'tést']);
  });

  it('reads what async-kinesis writes', () => {
    const read = (processor: Processor<unknown>, text: string) =>
      decode(processor, [{ data: Buffer.from(text, 'latin1'), partitionKey: 'pk', itemCount: 0, size: 0 }]);
    expect(read(jsonLineProcessor(), '{"a": 1}\n{"b": 2}\n')).toEqual(items);
    expect(read(jsonListProcessor(), '[{"a": 1}, {"b": 2}]')).toEqual(items);
    expect(read(msgpackProcessor(), '4:\x81\xa1a\x01,4:\x81\xa1b\x02,')).toEqual(items);
    expect(read(jsonProcessor(), '{"a": "\\u00e9"}')).toEqual([{ a: 'é' }]);
    expect(read(stringProcessor(), 'test')).toEqual(['test']);
  });
});

describe('named processors round-trip random items (seeded)', () => {
  const jsonCases: [string, () => Processor<unknown>][] = [
    ['json', () => jsonProcessor()],
    ['jsonLine', () => jsonLineProcessor()],
    ['jsonList', () => jsonListProcessor()],
    ['msgpack', () => msgpackProcessor()],
    ['kplJson', () => kplJsonProcessor()],
    ['kplMsgpack', () => kplMsgpackProcessor()],
    ['jsonLine compact', () => jsonLineProcessor({ style: 'compact' })],
  ];

  it.each(jsonCases)('%s', (_name, make) => {
    const processor = make();
    const random = seededRandom(99);
    for (let round = 0; round < 20; round += 1) {
      const items = Array.from({ length: Math.floor(random() * 200) }, () => randomJson(random));
      const limit = 2000 + Math.floor(random() * 20000);
      const records = encode(processor, items, limit);
      for (const record of records) {
        expect(record.size).toBeLessThanOrEqual(limit);
        expect(record.size).toBe(record.data.byteLength + 2);
      }
      expect(records.reduce((sum, r) => sum + r.itemCount, 0)).toBe(items.length);
      const expected = processor.serializer.name === 'json' ? JSON.parse(JSON.stringify(items)) : items;
      expect(decode(processor, records)).toEqual(expected);
    }
  });

  it.each<[string, () => Processor<string>]>([
    ['string', () => stringProcessor()],
    ['kplString', () => kplStringProcessor()],
  ])('%s', (_name, make) => {
    const processor = make();
    const random = seededRandom(5);
    for (let round = 0; round < 20; round += 1) {
      const items = Array.from({ length: Math.floor(random() * 200) }, () => randomString(random, 500));
      const records = encode(processor, items, 1000 + Math.floor(random() * 5000));
      expect(decode(processor, records)).toEqual(items);
    }
  });
});
