import type { AggregatedRecord, TextAggregatorEntry } from '../../../src/processors/Aggregator';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator';
import { RecordTooLargeError } from '../../../src/processors/errors/RecordTooLargeError';
import { oracleDeaggregate } from '../awsKinesisAgg';
import { randomString, seededRandom } from '../seededRandom';

const kpl = kplAggregator();
const text = kpl.text!;

/** The records the byte path and the text path make of the same entries. */
function bothPaths(
  entries: readonly TextAggregatorEntry[],
  limit: number,
  ascii = false,
): { bytes: AggregatedRecord[]; texts: AggregatedRecord[] } {
  const byteAccumulator = kpl.createAccumulator(limit);
  const textAccumulator = text.createAccumulator(limit, { ascii, newlineFree: false });
  const bytes: AggregatedRecord[] = [];
  const texts: AggregatedRecord[] = [];
  for (const entry of entries) {
    const closedBytes = byteAccumulator.add({
      data: Buffer.from(entry.text, 'utf8'),
      partitionKey: entry.partitionKey,
      ...(entry.explicitHashKey === undefined ? {} : { explicitHashKey: entry.explicitHashKey }),
    });
    if (closedBytes) bytes.push(closedBytes);
    const closedText = textAccumulator.add(entry);
    if (closedText) texts.push(closedText);
    expect(textAccumulator.size).toBe(byteAccumulator.size);
    expect(textAccumulator.itemCount).toBe(byteAccumulator.itemCount);
  }
  const lastBytes = byteAccumulator.flush();
  if (lastBytes) bytes.push(lastBytes);
  const lastText = textAccumulator.flush();
  if (lastText) texts.push(lastText);
  return { bytes, texts };
}

const plain = (record: AggregatedRecord) => ({ ...record, data: Buffer.from(record.data).toString('hex') });

describe('KPL on the text path', () => {
  it('writes the byte path’s records, byte for byte, for random texts, keys and explicit hash keys', () => {
    const random = seededRandom(17);
    const keys = ['k', 'clé', 'ключ-😀', 'x'.repeat(100)];
    for (const limit of [2048, 8192, 1024 * 1024]) {
      const entries: TextAggregatorEntry[] = Array.from({ length: 400 }, (_, i) => {
        const value = randomString(random, random() < 0.1 ? 250 : 40);
        const partitionKey = keys[Math.floor(random() * keys.length)]!;
        const withTextBytes = i % 2 === 0 ? { textBytes: Buffer.byteLength(value, 'utf8') } : {};
        return random() < 0.1
          ? { text: value, partitionKey, explicitHashKey: String(i * 7919), ...withTextBytes }
          : { text: value, partitionKey, ...withTextBytes };
      });
      const { bytes, texts } = bothPaths(entries, limit);
      expect(texts.map(plain)).toEqual(bytes.map(plain));
      expect(texts.length).toBeGreaterThan(0);
    }
  });

  it('writes ASCII texts as Latin-1, the same bytes, and aws-kinesis-agg reads them back', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      text: JSON.stringify({ id: i, note: 'n'.repeat(i % 90) }),
      partitionKey: `key-${i % 3}`,
    }));
    const { bytes, texts } = bothPaths(entries, 64 * 1024, true);
    expect(texts.map(plain)).toEqual(bytes.map(plain));
    const read = texts.flatMap((record) => oracleDeaggregate(record.data, record.partitionKey));
    expect(read.map((item) => Buffer.from(item.data, 'base64').toString('utf8'))).toEqual(
      entries.map((entry) => entry.text),
    );
    expect(read.map((item) => item.partitionKey)).toEqual(entries.map((entry) => entry.partitionKey));
  });

  it('refuses a text whose byte count is not the one its entry gives, and changes nothing', () => {
    const accumulator = text.createAccumulator(1024 * 1024, { ascii: false, newlineFree: false });
    accumulator.add({ text: 'first', partitionKey: 'k', textBytes: 5 });
    const size = accumulator.size;
    expect(() => accumulator.add({ text: 'héllo', partitionKey: 'k', textBytes: 5 })).toThrow(TypeError);
    expect(() => accumulator.add({ text: 'hello world', partitionKey: 'new key', textBytes: 5 })).toThrow(
      TypeError,
    );
    expect(accumulator.size).toBe(size);
    expect(accumulator.itemCount).toBe(1);
    accumulator.add({ text: 'second', partitionKey: 'k' });
    const record = accumulator.flush()!;
    const reference = kpl.createAccumulator(1024 * 1024);
    reference.add({ data: Buffer.from('first'), partitionKey: 'k' });
    reference.add({ data: Buffer.from('second'), partitionKey: 'k' });
    expect(plain(record)).toEqual(plain(reference.flush()!));
  });

  it('writes a text too large to aggregate as the byte path’s plain record', () => {
    for (const ascii of [true, false]) {
      const big = ascii ? 'x'.repeat(990) : 'é'.repeat(495);
      const { bytes, texts } = bothPaths(
        [
          { text: 'a', partitionKey: 'k' },
          { text: big, partitionKey: 'key' },
          { text: 'b', partitionKey: 'k' },
        ],
        1000,
        ascii,
      );
      expect(texts.map(plain)).toEqual(bytes.map(plain));
      expect(texts[1]).toMatchObject({ partitionKey: 'key', itemCount: 1, size: 993 });
      expect(Buffer.from(texts[1]!.data).toString('utf8')).toBe(big);
    }
    // A text whose byte count is wrong fails before the open record closes.
    const accumulator = text.createAccumulator(1000, { ascii: false, newlineFree: false });
    accumulator.add({ text: 'a', partitionKey: 'k' });
    expect(() => accumulator.add({ text: 'é'.repeat(495), textBytes: 991, partitionKey: 'k' })).toThrow(
      TypeError,
    );
    expect([accumulator.itemCount, accumulator.flush()?.itemCount]).toEqual([1, 1]);
  });

  it('refuses a text too large for any record with RecordTooLargeError', () => {
    const accumulator = text.createAccumulator(100, { ascii: true, newlineFree: true });
    expect(() => accumulator.add({ text: 'x'.repeat(200), partitionKey: 'k' })).toThrow(RecordTooLargeError);
    expect(accumulator.itemCount).toBe(0);
  });

  it('reads texts back only from records whose items all carry the record’s keys', () => {
    const make = (entries: TextAggregatorEntry[]) => bothPaths(entries, 1024 * 1024).texts[0]!;
    const same = make([
      { text: 'a', partitionKey: 'k' },
      { text: 'é', partitionKey: 'k' },
    ]);
    expect(text.deaggregate(same)).toEqual(['a', 'é']);
    const keys = make([
      { text: 'a', partitionKey: 'k' },
      { text: 'b', partitionKey: 'other' },
    ]);
    expect(text.deaggregate(keys)).toBeUndefined();
    // The record takes its first item's explicit hash key: an item without one differs from it.
    const hashKey = make([
      { text: 'a', partitionKey: 'k', explicitHashKey: '1' },
      { text: 'b', partitionKey: 'k' },
    ]);
    expect(text.deaggregate(hashKey)).toBeUndefined();
    const allHashKey = make([{ text: 'a', partitionKey: 'k', explicitHashKey: '1' }]);
    expect(text.deaggregate(allHashKey)).toEqual(['a']);
    // A record whose outer key differs from its items' keys (another producer's).
    expect(text.deaggregate({ ...same, partitionKey: 'outer' })).toBeUndefined();
    // Items that are not valid UTF-8 take the byte path, which reports the one at fault.
    const accumulator = kpl.createAccumulator(1024 * 1024);
    accumulator.add({ data: Buffer.from([0x61]), partitionKey: 'k' });
    accumulator.add({ data: Buffer.from([0xff, 0xfe]), partitionKey: 'k' });
    expect(text.deaggregate(accumulator.flush()!)).toBeUndefined();
    // A plain record (no KPL magic) is one item.
    expect(text.deaggregate({ data: Buffer.from('plain'), partitionKey: 'k' })).toEqual(['plain']);
  });
});
