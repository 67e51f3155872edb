import { createHash } from 'node:crypto';
import type { AggregatedRecord, AggregatorEntry } from '../../../src/processors/Aggregator';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator';
import { KplChecksumError } from '../../../src/processors/errors/KplChecksumError';
import { KplDecodeError } from '../../../src/processors/errors/KplDecodeError';
import { RecordTooLargeError } from '../../../src/processors/errors/RecordTooLargeError';
import { oracleAggregate, oracleDeaggregate } from '../awsKinesisAgg';
import { bytes, randomString, seededRandom } from '../seededRandom';

const kpl = kplAggregator();
const MAGIC = 'f3899ac2';

function aggregateAll(entries: readonly AggregatorEntry[], limit = 1024 * 1024): AggregatedRecord[] {
  const accumulator = kpl.createAccumulator(limit);
  const records: AggregatedRecord[] = [];
  for (const entry of entries) {
    const closed = accumulator.add(entry);
    if (closed) records.push(closed);
  }
  const last = accumulator.flush();
  if (last) records.push(last);
  return records;
}

/** A KPL record around an arbitrary protobuf body, with a correct MD5. */
function kplRecord(bodyHex: string): Buffer {
  const body = bytes(bodyHex);
  return Buffer.concat([bytes(MAGIC), body, createHash('md5').update(body).digest()]);
}

const entries: AggregatorEntry[] = [
  { partitionKey: 'user-a', data: Buffer.from('{"a": 1}') },
  {
    partitionKey: 'user-b',
    data: Buffer.from('{"b": 2}'),
    explicitHashKey: '170141183460469231731687303715884105728',
  },
  { partitionKey: 'user-a', data: Buffer.from('') },
  {
    partitionKey: 'ключ-😀',
    data: Buffer.from('ünïcödé', 'utf8'),
    explicitHashKey: '340282366920938463463374607431768211455',
  },
  {
    partitionKey: 'user-c',
    data: Buffer.from('x'),
    explicitHashKey: '170141183460469231731687303715884105728',
  },
];

describe('kpl aggregator: interoperability with aws-kinesis-agg', () => {
  it('writes the same bytes as aws-kinesis-agg', () => {
    const [ours] = aggregateAll(entries);
    const theirs = oracleAggregate(entries);
    expect(Buffer.from(ours?.data ?? []).toString('hex')).toBe(theirs.data.toString('hex'));
    expect(ours?.partitionKey).toBe(theirs.partitionKey);
  });

  it('decodes a known vector byte for byte', () => {
    // two sub-records, keys "pk-a" and "pk-b", data "hello" and "world", EHK "12345" on the second
    const data = bytes(
      'f3899ac2 0a04706b2d61 0a04706b2d62 120531323334 35 1a0908001a0568656c6c6f' +
        '1a0b080110001a05776f726c64 1a0408001a00 8a1ba86d49f608487caf5313af260629',
    );
    expect(kpl.deaggregate({ data, partitionKey: 'outer' })).toEqual([
      { data: Buffer.from('hello'), partitionKey: 'pk-a', subSequenceNumber: 0 },
      { data: Buffer.from('world'), partitionKey: 'pk-b', explicitHashKey: '12345', subSequenceNumber: 1 },
      { data: Buffer.alloc(0), partitionKey: 'pk-a', subSequenceNumber: 2 },
    ]);
  });

  it('decodes records aggregated by aws-kinesis-agg to the same items, keys and order', () => {
    const theirs = oracleAggregate(entries);
    const items = kpl.deaggregate({ data: theirs.data, partitionKey: theirs.partitionKey });
    expect(items).toEqual(
      entries.map((entry, subSequenceNumber) => ({
        data: Buffer.from(entry.data),
        partitionKey: entry.partitionKey,
        ...(entry.explicitHashKey === undefined ? {} : { explicitHashKey: entry.explicitHashKey }),
        subSequenceNumber,
      })),
    );
  });

  it('writes records that aws-kinesis-agg decodes (checksums on) to the same items', () => {
    const [ours] = aggregateAll(entries);
    const decoded = oracleDeaggregate(ours?.data ?? new Uint8Array());
    expect(decoded.map((record) => Buffer.from(record.data, 'base64'))).toEqual(
      entries.map((entry) => Buffer.from(entry.data)),
    );
    expect(decoded.map((record) => record.partitionKey)).toEqual(entries.map((e) => e.partitionKey));
    expect(decoded.map((record) => record.subSequenceNumber)).toEqual([0, 1, 2, 3, 4]);
    // aws-kinesis-agg reports table[0] for sub-records without an explicit hash key; compare the set ones
    entries.forEach((entry, i) => {
      if (entry.explicitHashKey !== undefined) {
        expect(decoded[i]?.explicitPartitionKey).toBe(entry.explicitHashKey);
      }
    });
  });

  it('keeps integer-like partition keys and explicit hash keys on the right sub-records', () => {
    const numeric: AggregatorEntry[] = [
      { partitionKey: '10', data: Buffer.from('a'), explicitHashKey: '77' },
      { partitionKey: '2', data: Buffer.from('b'), explicitHashKey: '5' },
      { partitionKey: 'x', data: Buffer.from('c') },
    ];
    const [record] = aggregateAll(numeric);
    const theirs = oracleDeaggregate(record?.data ?? new Uint8Array());
    expect(theirs.map((r) => [r.partitionKey, r.explicitPartitionKey])).toEqual([
      ['10', '77'],
      ['2', '5'],
      ['x', '77'], // aws-kinesis-agg reports table[0] when a sub-record has no explicit hash key
    ]);
    expect(
      kpl
        .deaggregate({ data: record?.data ?? new Uint8Array(), partitionKey: '10' })
        .map((item) => [item.partitionKey, item.explicitHashKey]),
    ).toEqual([
      ['10', '77'],
      ['2', '5'],
      ['x', undefined],
    ]);
  });

  it('round-trips random batches through both implementations (seeded)', () => {
    const random = seededRandom(2024);
    for (let round = 0; round < 40; round += 1) {
      const keys = Array.from({ length: 1 + Math.floor(random() * 6) }, () => `k${randomString(random, 12)}`);
      const batch: AggregatorEntry[] = Array.from({ length: 1 + Math.floor(random() * 60) }, () => ({
        partitionKey: keys[Math.floor(random() * keys.length)] as string,
        data: Buffer.from(randomString(random, 300), 'utf8'),
        ...(random() < 0.3 ? { explicitHashKey: String(Math.floor(random() * 1000)) } : {}),
      }));
      const limit = 600 + Math.floor(random() * 4000);
      const records = aggregateAll(batch, limit);
      let index = 0;
      for (const record of records) {
        expect(record.size).toBe(record.data.byteLength + Buffer.byteLength(record.partitionKey));
        expect(record.size).toBeLessThanOrEqual(limit);
        const held = batch.slice(index, index + record.itemCount);
        index += record.itemCount;
        expect(record.partitionKey).toBe(held[0]?.partitionKey);
        const ours = kpl.deaggregate({ data: record.data, partitionKey: record.partitionKey });
        expect(ours.map((item) => Buffer.from(item.data))).toEqual(held.map((e) => Buffer.from(e.data)));
        expect(ours.map((item) => item.partitionKey)).toEqual(held.map((e) => e.partitionKey));
        expect(ours.map((item) => item.explicitHashKey)).toEqual(held.map((e) => e.explicitHashKey));
        const theirs = oracleDeaggregate(record.data);
        expect(theirs.map((r) => r.data)).toEqual(held.map((e) => Buffer.from(e.data).toString('base64')));
        expect(theirs.map((r) => r.partitionKey)).toEqual(held.map((e) => e.partitionKey));
        // tight packing: the record plus the next entry would not have fitted
        const next = batch[index];
        if (next !== undefined) {
          const probe = kpl.createAccumulator(limit);
          for (const entry of held) expect(probe.add(entry)).toBeUndefined();
          expect(probe.add(next)).toBeDefined();
        }
      }
      expect(index).toBe(batch.length);
    }
  });

  it('writes the same bytes as aws-kinesis-agg when explicit hash keys start mid-record', () => {
    // The first explicit hash key comes after entries without one, and the next record (same
    // accumulator) has none again.
    const ehk = String(2n ** 100n);
    const withKeys: AggregatorEntry[] = Array.from({ length: 12 }, (_, i) => ({
      partitionKey: `key-${i % 3}`,
      data: Buffer.alloc(130 + i, i),
      ...(i >= 5 && i % 2 === 1 ? { explicitHashKey: ehk } : {}),
    }));
    const without: AggregatorEntry[] = Array.from({ length: 4 }, (_, i) => ({
      partitionKey: `key-${i % 2}`,
      data: Buffer.alloc(i, i),
    }));
    const accumulator = kpl.createAccumulator(1024 * 1024);
    for (const entry of withKeys) expect(accumulator.add(entry)).toBeUndefined();
    const first = accumulator.flush();
    for (const entry of without) expect(accumulator.add(entry)).toBeUndefined();
    const second = accumulator.flush();
    expect(Buffer.from(first?.data ?? []).toString('hex')).toBe(
      oracleAggregate(withKeys).data.toString('hex'),
    );
    expect(Buffer.from(second?.data ?? []).toString('hex')).toBe(
      oracleAggregate(without).data.toString('hex'),
    );
  });
});

describe('kpl aggregator: size accounting', () => {
  it('counts magic, protobuf, MD5 and the outer partition key in UTF-8 bytes exactly', () => {
    const accumulator = kpl.createAccumulator(1024);
    accumulator.add({ partitionKey: 'é', data: Buffer.from('abc') });
    // 4 magic + (1+1+2 key field) + (1+1+ (1+1 + 1+1+3) record) + 16 md5 + 2 key bytes
    expect(accumulator.size).toBe(4 + 4 + 9 + 16 + 2);
    const record = accumulator.flush();
    expect(record?.data.byteLength).toBe(4 + 4 + 9 + 16);
    expect(record?.size).toBe(35);
  });

  it('accepts an item exactly at the limit and sends one byte over as a plain record', () => {
    const key = 'ключ';
    const keyBytes = Buffer.byteLength(key, 'utf8');
    const probe = kpl.createAccumulator(10 * 1024 * 1024);
    probe.add({ partitionKey: key, data: Buffer.alloc(1000) });
    const sizeFor1000 = probe.size;
    const limit = sizeFor1000;
    const accumulator = kpl.createAccumulator(limit);
    accumulator.add({ partitionKey: key, data: Buffer.alloc(10) });
    // Too large to aggregate (its framing and its key twice), not as a plain record: the open
    // record closes and the item is held as a plain record, which nothing joins.
    const big = Buffer.alloc(1001, 7);
    const first = accumulator.add({ partitionKey: key, data: big });
    expect(first?.itemCount).toBe(1);
    expect(Buffer.from(first!.data.subarray(0, 4)).toString('hex')).toBe(MAGIC);
    expect([accumulator.itemCount, accumulator.size]).toEqual([1, 1001 + keyBytes]);
    const plain = accumulator.add({ partitionKey: key, data: Buffer.alloc(1000) });
    expect(plain).toEqual({
      data: new Uint8Array(big),
      partitionKey: key,
      itemCount: 1,
      size: 1001 + keyBytes,
    });
    expect(kpl.deaggregate(plain!)).toEqual([
      { data: new Uint8Array(big), partitionKey: key, subSequenceNumber: 0 },
    ]);
    expect(oracleDeaggregate(plain!.data, key).map((r) => [r.partitionKey, r.data])).toEqual([
      [key, big.toString('base64')],
    ]);
    const full = accumulator.flush();
    expect(full?.size).toBe(limit);
    expect(accumulator.flush()).toBeUndefined();
  });

  it('refuses an item too large even as a plain record, and keeps its state', () => {
    const key = 'ключ';
    const keyBytes = Buffer.byteLength(key, 'utf8');
    const limit = 1040;
    for (const held of [10, 1000]) {
      // (an open aggregated record, or a plain record held open)
      const accumulator = kpl.createAccumulator(limit);
      accumulator.add({ partitionKey: key, data: Buffer.alloc(held) });
      const before = [accumulator.itemCount, accumulator.size];
      const over = { partitionKey: key, data: Buffer.alloc(limit - keyBytes + 1) };
      expect(() => accumulator.add(over)).toThrow(RecordTooLargeError);
      try {
        accumulator.add(over);
      } catch (error) {
        expect(error).toMatchObject({ limit });
        expect((error as RecordTooLargeError).size).toBeGreaterThan(limit);
      }
      expect([accumulator.itemCount, accumulator.size]).toEqual(before);
      const closed = accumulator.add({ partitionKey: key, data: Buffer.alloc(limit - keyBytes) });
      expect(closed?.itemCount).toBe(1);
      expect(accumulator.flush()?.size).toBe(limit);
    }
  });

  it('sends plain records of their own keys in order and refuses plain data with the KPL magic', () => {
    const limit = 1000;
    const accumulator = kpl.createAccumulator(limit);
    const records: AggregatedRecord[] = [];
    const add = (entry: AggregatorEntry) => {
      const closed = accumulator.add(entry);
      if (closed) records.push(closed);
    };
    add({ partitionKey: 'a', data: Buffer.from('1') });
    add({ partitionKey: 'b', explicitHashKey: '42', data: Buffer.alloc(990, 2) });
    add({ partitionKey: 'c', data: Buffer.alloc(999, 3) });
    const magic = Buffer.concat([bytes(MAGIC), Buffer.alloc(980)]);
    expect(() => add({ partitionKey: 'd', data: magic })).toThrow(RecordTooLargeError);
    add({ partitionKey: 'e', data: Buffer.from('4') });
    records.push(accumulator.flush()!);
    expect(records.map((r) => [r.partitionKey, r.explicitHashKey, r.itemCount, r.size])).toEqual([
      ['a', undefined, 1, expect.any(Number)],
      ['b', '42', 1, 991],
      ['c', undefined, 1, 1000],
      ['e', undefined, 1, expect.any(Number)],
    ]);
    expect(records.map((r) => kpl.deaggregate(r).map((item) => item.data[0]))).toEqual([
      [0x31],
      [2],
      [3],
      [0x34],
    ]);
    expect(kpl.deaggregate(records[1]!)[0]).toMatchObject({ partitionKey: 'b', explicitHashKey: '42' });
  });

  it('reuses table entries for repeated keys and grows varints exactly', () => {
    const accumulator = kpl.createAccumulator(10 * 1024 * 1024);
    const many: AggregatorEntry[] = Array.from({ length: 300 }, (_, i) => ({
      partitionKey: `key-${i % 150}`,
      data: Buffer.alloc(i),
      // aws-kinesis-agg mis-orders its tables for integer-like keys below 2^32 (Object.keys
      // order), so keys given to it here stay above that range.
      ...(i % 7 === 0 ? { explicitHashKey: String(2n ** 100n + BigInt(i % 140)) } : {}),
    }));
    for (const entry of many) accumulator.add(entry);
    const size = accumulator.size;
    const record = accumulator.flush();
    expect(record?.size).toBe(size);
    expect(record?.data.byteLength).toBe(size - Buffer.byteLength('key-0'));
    expect(Buffer.from(record?.data ?? []).toString('hex')).toBe(oracleAggregate(many).data.toString('hex'));
  });
});

describe('kpl aggregator: decoding checks', () => {
  it('passes a record without the magic through as one plain item', () => {
    const data = Buffer.from('{"a": 1}');
    expect(kpl.deaggregate({ data, partitionKey: 'p', explicitHashKey: '9' })).toEqual([
      { data, partitionKey: 'p', explicitHashKey: '9', subSequenceNumber: 0 },
    ]);
    const corruptMagic = Buffer.from(aggregateAll(entries)[0]?.data ?? []);
    corruptMagic[0] = 0xf2;
    expect(kpl.deaggregate({ data: corruptMagic, partitionKey: 'p' })).toHaveLength(1);
    expect(kpl.deaggregate({ data: Buffer.from('f389', 'hex'), partitionKey: 'p' })).toHaveLength(1);
  });

  it('rejects a bad MD5 with KplChecksumError', () => {
    const data = Buffer.from(aggregateAll(entries)[0]?.data ?? []);
    data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 1;
    expect(() => kpl.deaggregate({ data, partitionKey: 'p' })).toThrow(KplChecksumError);
    const body = Buffer.from(aggregateAll(entries)[0]?.data ?? []);
    body[8] = (body[8] ?? 0) ^ 1;
    expect(() => kpl.deaggregate({ data: body, partitionKey: 'p' })).toThrow(KplChecksumError);
  });

  it.each([
    ['a record shorter than magic + MD5', () => bytes(`${MAGIC}00`)],
    ['a truncated length-delimited field', () => kplRecord('0a05706b')],
    ['a truncated varint', () => kplRecord('0a04706b2d61 1a0408')],
    ['a sub-record cut short', () => kplRecord('0a04706b2d61 1a0908001a0568656c')],
    ['an out-of-range partition key index', () => kplRecord('0a04706b2d61 1a0508011a0100')],
    ['an out-of-range explicit hash key index', () => kplRecord('0a04706b2d61 1a07080010001a0100')],
    ['a sub-record without data', () => kplRecord('0a04706b2d61 1a020800')],
    ['a sub-record without partition key index', () => kplRecord('0a04706b2d61 1a031a0100')],
    ['an unsupported wire type', () => kplRecord('0b')],
  ])('rejects %s with KplDecodeError', (_name, make) => {
    expect(() => kpl.deaggregate({ data: make(), partitionKey: 'p' })).toThrow(KplDecodeError);
  });

  it('skips tags and unknown fields', () => {
    // unknown top-level varint field 9, then a sub-record carrying a tag {key "t", value ""}
    const data = kplRecord('4801 0a04706b2d61 1a0c 0800 1a0178 2205 0a0174 1200');
    expect(kpl.deaggregate({ data, partitionKey: 'p' })).toEqual([
      { data: Buffer.from('x'), partitionKey: 'pk-a', subSequenceNumber: 0 },
    ]);
  });
});

describe('kpl aggregator: record buffers', () => {
  /**
   * Adds each group of entries to one accumulator and flushes it after each group; every record
   * (checked after all were written, so later records must not have touched earlier ones' bytes)
   * must be aws-kinesis-agg's bytes for its group.
   */
  function expectSameAsOracle(groups: readonly AggregatorEntry[][]): void {
    const accumulator = kpl.createAccumulator(1024 * 1024);
    const records: AggregatedRecord[] = [];
    for (const group of groups) {
      for (const entry of group) expect(accumulator.add(entry)).toBeUndefined();
      const record = accumulator.flush();
      if (record === undefined) throw new Error('no record');
      expect(record.itemCount).toBe(group.length);
      records.push(record);
    }
    records.forEach((record, i) => {
      const group = groups[i] as AggregatorEntry[];
      expect(Buffer.from(record.data).toString('hex')).toBe(oracleAggregate(group).data.toString('hex'));
      expect(record.size).toBe(record.data.byteLength + Buffer.byteLength(group[0]?.partitionKey ?? ''));
    });
  }

  const group = (count: number, keys: (i: number) => string, dataBytes: (i: number) => number, ehk = false) =>
    Array.from({ length: count }, (_, i) => ({
      partitionKey: keys(i),
      data: Buffer.alloc(dataBytes(i), i & 0xff),
      ...(ehk && i % 3 === 0
        ? {
            // ascending: aws-kinesis-agg writes integer-like keys in numeric order
            explicitHashKey: String(1000 + Math.floor(i / 50)),
          }
        : {}),
    }));

  it('writes key tables larger than the room kept in front of the sub-records, in small and full buffers', () => {
    expectSameAsOracle([
      // Tables of ~78 KB in front of ~14 KB of sub-records: a small buffer, the sub-records move into a new one.
      group(
        300,
        (i) => `${i}-${'k'.repeat(250)}`,
        () => 40,
      ),
      // Tables of ~22 KB, sub-records past 64 KiB: a full-size buffer, the sub-records move within it.
      group(
        1000,
        (i) => `key-${String(i).padStart(6, '0')}-padding-${i % 10}`,
        (i) => 90 + (i % 30),
      ),
      // The next record starts with room for tables that large, and needs less.
      group(
        5,
        (i) => `k${i % 2}`,
        () => 10,
        true,
      ),
      group(
        2000,
        (i) => `again-${i}`,
        () => 3,
      ),
    ]);
  });

  it('writes records that outgrow their first buffer, and small ones after full ones, as aws-kinesis-agg does', () => {
    expectSameAsOracle([
      group(
        10,
        (i) => `k${i % 3}`,
        () => 100,
      ),
      // Past 64 KiB, then near the limit, with explicit hash keys and two-byte varints.
      group(
        700,
        (i) => `k${i % 200}`,
        (i) => 100 + i,
        true,
      ),
      group(
        1200,
        (i) => `k${i % 64}`,
        (i) => 700 + (i % 200),
        true,
      ),
      group(
        1,
        () => 'alone',
        () => 0,
      ),
      group(
        3,
        (i) => `k${i}`,
        () => 200_000,
      ),
      group(
        2,
        (i) => `k${i}`,
        () => 5,
      ),
    ]);
  });

  it('keeps every record intact across many records from one accumulator (seeded)', () => {
    const random = seededRandom(99);
    const groups: AggregatorEntry[][] = [];
    for (let g = 0; g < 30; g += 1) {
      const size = random() < 0.2 ? 3000 : 1 + Math.floor(random() * 40);
      const keyCount = 1 + Math.floor(random() * (random() < 0.3 ? 400 : 8));
      groups.push(
        group(
          Math.min(size, Math.floor(900_000 / 330)),
          (i) => `p${(i * 7919) % keyCount}${random() < 0.01 ? randomString(random, 30) : ''}`,
          () => Math.floor(random() * 300),
          random() < 0.3,
        ),
      );
    }
    expectSameAsOracle(groups);
  });
});
