// A KPL record whose items carry their own keys (as the KPL writes them) is turned down by the
// text path and read on the byte path: its MD5 and protobuf are worked out once, not twice, and
// what the text path held is used only for the same record's bytes.
import { from, lastValueFrom, toArray } from 'rxjs';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator';
import { kplJsonProcessor } from '../../../src/processors/namedProcessors';
import { deserialize } from '../../../src/operators/deserialize';
import * as crypto from '../../../src/platform/crypto.js';

function mixedRecord(keys: readonly string[], tag: string): Uint8Array {
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  for (const [n, key] of keys.entries()) {
    expect(
      accumulator.add({ data: Buffer.from(JSON.stringify({ n, tag })), partitionKey: key }),
    ).toBeUndefined();
  }
  return accumulator.flush()!.data;
}

function md5Count(): { count: () => number; restore: () => void } {
  const spy = jest.spyOn(crypto, 'createHash');
  return {
    count: () => spy.mock.calls.filter(([algorithm]) => algorithm === 'md5').length,
    restore: () => spy.mockRestore(),
  };
}

afterEach(() => jest.restoreAllMocks());

test('the byte path takes over what the text path decoded of the same record', () => {
  const kpl = kplAggregator();
  const data = mixedRecord(['a', 'b', 'c'], 'x');
  const record = { data, partitionKey: 'a' };
  const md5 = md5Count();
  expect(kpl.text!.deaggregateLazily!(record)).toBeUndefined();
  const items = kpl.deaggregateLazily!(record);
  expect(md5.count()).toBe(1);
  expect([0, 1, 2].map((i) => [items.partitionKey(i), Buffer.from(items.data(i)).toString()])).toEqual([
    ['a', '{"n":0,"tag":"x"}'],
    ['b', '{"n":1,"tag":"x"}'],
    ['c', '{"n":2,"tag":"x"}'],
  ]);
  // Nothing is held any more: the next read of the record decodes it again.
  kpl.deaggregateLazily!(record);
  expect(md5.count()).toBe(2);
});

test('what the text path held is not used for other bytes, nor after another call', () => {
  const kpl = kplAggregator();
  const first = mixedRecord(['a', 'b'], 'first');
  const second = mixedRecord(['c', 'd'], 'second');
  expect(kpl.text!.deaggregateLazily!({ data: first, partitionKey: 'a' })).toBeUndefined();
  // Another record's bytes (a copy of the first's included): decoded from its own bytes.
  const other = kpl.deaggregate({ data: second, partitionKey: 'c' });
  expect(other.map((item) => Buffer.from(item.data).toString())).toEqual([
    '{"n":0,"tag":"second"}',
    '{"n":1,"tag":"second"}',
  ]);
  expect(kpl.text!.deaggregateLazily!({ data: first, partitionKey: 'a' })).toBeUndefined();
  expect(kpl.text!.deaggregateLazily!({ data: second, partitionKey: 'c' })).toBeUndefined();
  const copy = Buffer.from(first);
  const fromCopy = kpl.deaggregateLazily!({ data: copy, partitionKey: 'a' });
  expect(Buffer.from(fromCopy.data(1)).toString()).toBe('{"n":1,"tag":"first"}');
});

test('deserialize() reads a KPL record of items with their own keys with one MD5', async () => {
  const processor = kplJsonProcessor<{ n: number; tag: string }>();
  const records = ['p', 'q', 'r'].map(
    (tag, n) =>
      ({
        shardId: 'shardId-000000000000',
        sequenceNumber: String(1000 + n),
        partitionKey: `k${n}`,
        approximateArrivalTimestamp: new Date(0),
        data: mixedRecord([`k${n}`, `other-${n}`, `third-${n}`], tag),
      }) as unknown as KinesisRecord,
  );
  const md5 = md5Count();
  const items = await lastValueFrom(from(records).pipe(deserialize(processor), toArray()));
  expect(md5.count()).toBe(3);
  expect(items.map((item) => [item.partitionKey, item.data.tag, item.data.n])).toEqual([
    ['k0', 'p', 0],
    ['other-0', 'p', 1],
    ['third-0', 'p', 2],
    ['k1', 'q', 0],
    ['other-1', 'q', 1],
    ['third-1', 'q', 2],
    ['k2', 'r', 0],
    ['other-2', 'r', 1],
    ['third-2', 'r', 2],
  ]);
});
