import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator.js';
import { KplDecodeError } from '../../../src/processors/errors/KplDecodeError.js';
import { oracleDeaggregate } from '../awsKinesisAgg.js';

// Fields the KPL reader does not know are skipped, as protobuf readers skip them (the KCL's
// protobuf-java, aws-kinesis-agg): whatever value a varint holds (a negative int64 takes 10
// bytes, past 2^53) and groups (wire types 3 and 4, deprecated but valid), nested or not.
// Records built by hand; what aws-kinesis-agg reads of each is what this reader must read.

const bytes = (text: string): number[] => [...Buffer.from(text)];
const lengthDelimited = (tag: number, value: number[]): number[] => [tag, value.length, ...value];
/** A 10-byte varint: the int64 -1 (every bit set), as protobuf writes a negative int64. */
const minusOne = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
/** 2^63: 10 bytes, past what a double holds exactly. */
const twoTo63 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];

function subRecord(data: string, extra: number[] = []): number[] {
  return lengthDelimited(0x1a, [0x08, 0x00, ...lengthDelimited(0x1a, bytes(data)), ...extra]);
}

function aggregated(body: number[]): Uint8Array {
  const protobuf = Buffer.from(body);
  const digest = createHash('md5').update(protobuf).digest();
  return Uint8Array.from([0xf3, 0x89, 0x9a, 0xc2, ...protobuf, ...digest]);
}

const keyTable = lengthDelimited(0x0a, bytes('key'));
/** Group 7 holding a varint, a fixed64, group 8 (holding a string and a fixed32), then their ends. */
const nested = [
  ...[0x3b, 0x08, ...minusOne, 0x11, ...[1, 2, 3, 4, 5, 6, 7, 8]],
  ...[0x43, ...lengthDelimited(0x1a, bytes('in')), 0x1d, ...[1, 2, 3, 4], 0x44],
  0x3c,
];

function read(data: Uint8Array): [string, string][] {
  return kplAggregator()
    .deaggregate({ data, partitionKey: 'outer' })
    .map((item) => [item.partitionKey, Buffer.from(item.data).toString()]);
}

function oracle(data: Uint8Array): [string, string][] {
  return oracleDeaggregate(data).map((item) => [
    item.partitionKey,
    Buffer.from(item.data, 'base64').toString(),
  ]);
}

describe('KPL fields the reader does not know', () => {
  it.each([
    ['an int64 -1 (10-byte varint) in the record', [...keyTable, 0x78, ...minusOne, ...subRecord('a')]],
    ['2^63 in the record', [...keyTable, ...subRecord('a'), 0x78, ...twoTo63]],
    ['an int64 -1 in a sub-record', [...keyTable, ...subRecord('a', [0x28, ...minusOne])]],
    ['a group in the record', [...keyTable, 0x3b, 0x08, 0x01, 0x3c, ...subRecord('a')]],
    [
      'nested groups holding every wire type, in a sub-record',
      [...keyTable, ...subRecord('a', nested), ...subRecord('b')],
    ],
  ])('are skipped: %s', (_name, body) => {
    const data = aggregated(body);
    expect(read(data)).toEqual(oracle(data));
    expect(read(data).length).toBeGreaterThan(0);
  });

  it.each([
    [
      'an end of a group never started',
      [...keyTable, 0x3c, ...subRecord('a')],
      'end of a group that was not started',
    ],
    [
      'a group ended by another field number',
      [...keyTable, 0x3b, 0x08, 0x01, 0x44, ...subRecord('a')],
      'does not match',
    ],
    ['a group without its end', [...keyTable, ...subRecord('a'), 0x3b, 0x08, 0x01], 'group without its end'],
    [
      'a group that runs past its sub-record',
      [...keyTable, ...subRecord('a', [0x3b]), 0x3c],
      'group without its end',
    ],
    [
      'an 11-byte varint',
      [...keyTable, 0x78, ...[0x80, ...twoTo63], ...subRecord('a')],
      'longer than 10 bytes',
    ],
    ['a varint cut short', [...keyTable, ...subRecord('a'), 0x78, 0x80, 0x80], 'truncated varint'],
  ])('that are malformed fail with KplDecodeError: %s', (_name, body, message) => {
    const data = aggregated(body);
    expect(() => read(data)).toThrow(KplDecodeError);
    expect(() => read(data)).toThrow(message);
  });

  // protobuf-java, the KCL's reader, skips groups up to its recursion limit of 100 levels, the
  // sub-record counting as one; deeper nesting is refused, where a hostile record of nested group
  // starts was otherwise walked to its end (1 MiB: an open group kept for every byte).
  const groups = (count: number): number[] => [
    ...new Array<number>(count).fill(0x3b),
    ...new Array<number>(count).fill(0x3c),
  ];
  /** A sub-record of 'a' followed by `extra`, its length a 2-byte varint (128 to 16,383 bytes). */
  const longSubRecord = (extra: number[]): number[] => {
    const value = [0x08, 0x00, ...lengthDelimited(0x1a, bytes('a')), ...extra];
    return [0x1a, 0x80 | (value.length & 0x7f), value.length >> 7, ...value];
  };

  it.each([
    ['100 groups nested in the record', [...keyTable, ...groups(100), ...subRecord('a')]],
    ['99 groups nested in a sub-record', [...keyTable, ...longSubRecord(groups(99))]],
  ])('are skipped as deep as protobuf-java skips them: %s', (_name, body) => {
    const data = aggregated(body);
    expect(read(data)).toEqual([['key', 'a']]);
  });

  it.each([
    ['101 groups nested in the record', [...keyTable, ...groups(101), ...subRecord('a')], 105],
    ['100 groups nested in a sub-record', [...keyTable, ...longSubRecord(groups(100))], 112],
    [
      '1 MiB of group starts',
      [...keyTable, ...subRecord('a'), ...new Array<number>(1 << 20).fill(0x3b)],
      112,
    ],
  ])('nested deeper fail with KplDecodeError where the nesting passes 100: %s', (_name, body, at) => {
    const data = aggregated(body);
    expect(() => read(data)).toThrow('groups nested more than 100 deep');
    let offset = -1;
    try {
      read(data);
    } catch (error) {
      offset = (error as KplDecodeError).offset;
    }
    expect(offset).toBe(at);
  });
});
