// Case: a KPL record's key table may hold partition keys of any length, and its items may all
// name one. A 1 MiB record holding a ~500,000-character key and ~90,000 empty items gave every
// item that key, so whatever printed or logged each item with its key turned the record into
// ~45 GB (`rxjs-kinesis tail` printed it for ~7 minutes). No KPL writes a key longer than Kinesis
// allows (256 UTF-16 code units); such a record is now refused as corrupt, with KplDecodeError.
import { createHash } from 'node:crypto';
import { count, from, lastValueFrom } from 'rxjs';
import {
  deserialize,
  kplJsonProcessor,
  kplMsgpackProcessor,
  kplStringProcessor,
  type KinesisRecord,
  type RecordDecodeError,
} from '../../../src/index.js';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator.js';
import { KplDecodeError } from '../../../src/processors/errors/KplDecodeError.js';

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

/** A KPL record whose table holds `keys`; `items` sub-records name key `keyIndex`, data `1`. */
function kplWithKeys(keys: readonly string[], items: number, keyIndex = 0): Buffer {
  const subRecord = field(
    0x1a,
    Buffer.concat([Buffer.from([0x08, keyIndex]), field(0x1a, Buffer.from('1'))]),
  );
  const body = Buffer.concat([
    ...keys.map((key) => field(0x0a, Buffer.from(key))),
    ...Array.from({ length: items }, () => subRecord),
  ]);
  return Buffer.concat([
    Buffer.from([0xf3, 0x89, 0x9a, 0xc2]),
    body,
    createHash('md5').update(body).digest(),
  ]);
}

const record = (data: Buffer): KinesisRecord => ({
  streamName: 'orders',
  shardId: 'shardId-000000000000',
  sequenceNumber: '1',
  partitionKey: 'k',
  data,
  approximateArrivalTimestamp: new Date(0),
});

test.each([
  ['256 ASCII characters', 'k'.repeat(256)],
  ['128 emoji (256 UTF-16 code units)', '😀'.repeat(128)],
])('a key of %s, as long as Kinesis allows, is read', (_case, key) => {
  const items = kplAggregator().deaggregate({ data: kplWithKeys(['a', key], 2, 1), partitionKey: 'a' });
  expect(items.map((item) => item.partitionKey)).toEqual([key, key]);
});

test.each([
  ['257 ASCII characters', 'k'.repeat(257)],
  ['128 emoji and one more character', `${'😀'.repeat(128)}k`],
  ['500,000 characters', 'k'.repeat(500_000)],
])('a key of %s is refused with KplDecodeError, even when no item names it', (_case, key) => {
  const data = kplWithKeys(['a', key], 3);
  expect(() => kplAggregator().deaggregate({ data, partitionKey: 'a' })).toThrow(KplDecodeError);
  expect(() => kplAggregator().deaggregate({ data, partitionKey: 'a' })).toThrow(
    `partition key 1 of the table has ${key.length} UTF-16 code units, more than the 256 Kinesis allows`,
  );
});

test.each([
  ['KPL json', kplJsonProcessor()],
  ['KPL string', kplStringProcessor()],
  ['KPL msgpack', kplMsgpackProcessor()],
])(
  '%s: a 1 MiB record of a 500,000-character key and ~75,000 items is dead-lettered whole',
  async (_case, processor) => {
    const data = kplWithKeys(['k'.repeat(500_000)], 75_000);
    expect(data.length).toBeLessThan(1024 * 1024);
    const errors: RecordDecodeError[] = [];
    // Counted, not kept: each item would print with its key.
    const items = await lastValueFrom(
      from([record(data)]).pipe(
        deserialize(processor, { onDecodeError: (error) => void errors.push(error) }),
        count(),
      ),
    );
    expect(items).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.cause).toBeInstanceOf(KplDecodeError);
    expect(errors[0]?.message).toContain('more than the 256 Kinesis allows');
  },
);
