import { describe, expect, it } from '@jest/globals';
import { KplDecodeError } from '../../../src/processors/errors/KplDecodeError.js';
import {
  decodeAggregatedRecord,
  FIELDS_PER_RECORD,
} from '../../../src/processors/aggregators/kplProtobuf.js';

// The decoder reads the sub-record layout encoders write (partition key index, then data) in one
// step and any other layout field by field. These cases are built by hand around the edges of
// that step, and each is compared with a plain field-by-field reading written here.

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

function field(tag: number, value: number[] | number): number[] {
  return typeof value === 'number' ? [tag, ...varint(value)] : [tag, ...varint(value.length), ...value];
}

function body(keys: number, subRecords: number[][]): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < keys; i += 1) out.push(...field(0x0a, [...Buffer.from(`k${i}`)]));
  out.push(...field(0x12, [...Buffer.from('340282366920938463463374607431768211455')]));
  for (const sub of subRecords) out.push(...field(0x1a, sub));
  return Uint8Array.from(out);
}

interface Expected {
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly partitionKeyIndex: number;
  readonly explicitHashKeyIndex: number;
}

/** Reads each sub-record field by field (the protobuf rules: last value wins, unknown skipped). */
function reference(data: Uint8Array): Expected[] {
  let offset = 0;
  const read = (): number => {
    let value = 0;
    let multiplier = 1;
    for (;;) {
      const byte = data[offset++] as number;
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return value;
      multiplier *= 0x80;
    }
  };
  const found: Expected[] = [];
  while (offset < data.length) {
    const tag = read();
    const length = read();
    if (tag !== 0x1a) {
      offset += length;
      continue;
    }
    const end = offset + length;
    let partitionKeyIndex = -1;
    let explicitHashKeyIndex = -1;
    let dataStart = -1;
    let dataEnd = -1;
    while (offset < end) {
      const inner = read();
      if (inner === 0x08) partitionKeyIndex = read();
      else if (inner === 0x10) explicitHashKeyIndex = read();
      else if (inner === 0x1a) {
        const size = read();
        dataStart = offset;
        dataEnd = offset + size;
        offset = dataEnd;
      } else if ((inner & 7) === 0) read();
      else {
        const size = read();
        offset += size;
      }
    }
    found.push({ dataStart, dataEnd, partitionKeyIndex, explicitHashKeyIndex });
  }
  return found;
}

function decoded(data: Uint8Array): Expected[] {
  const { table } = decodeAggregatedRecord(data);
  const out: Expected[] = [];
  for (let at = 0; at < table.length; at += FIELDS_PER_RECORD) {
    out.push({
      dataStart: table[at] as number,
      dataEnd: table[at + 1] as number,
      partitionKeyIndex: table[at + 2] as number,
      explicitHashKeyIndex: table[at + 3] as number,
    });
  }
  return out;
}

const bytes = (size: number): number[] => Array.from({ length: size }, (_, i) => (i * 7) & 0xff);

describe('KPL sub-record layouts', () => {
  const layouts: Record<string, number[]> = {
    'key index 0, empty data': [...field(0x08, 0), ...field(0x1a, [])],
    'key index 127, 127 bytes': [...field(0x08, 127), ...field(0x1a, bytes(127))],
    'key index 128 (two-byte varint)': [...field(0x08, 128), ...field(0x1a, bytes(5))],
    // The index's second byte equals the data tag: only a whole reading tells them apart.
    'key index whose second byte is the data tag': [...field(0x08, 0x1a * 128 + 3), ...field(0x1a, bytes(4))],
    'data of 128 bytes (two-byte length)': [...field(0x08, 1), ...field(0x1a, bytes(128))],
    'data of 16,383 bytes': [...field(0x08, 1), ...field(0x1a, bytes(16_383))],
    'data of 16,384 bytes (three-byte length)': [...field(0x08, 2), ...field(0x1a, bytes(16_384))],
    'explicit hash key index between': [...field(0x08, 1), ...field(0x10, 0), ...field(0x1a, bytes(9))],
    'data before the key index': [...field(0x1a, bytes(9)), ...field(0x08, 1)],
    'an unknown field after the data': [...field(0x08, 1), ...field(0x1a, bytes(9)), ...field(0x22, [1, 2])],
    'the key index twice (the last wins)': [...field(0x08, 1), ...field(0x1a, bytes(3)), ...field(0x08, 2)],
    'a redundant varint for the data length': [0x08, 1, 0x1a, 0x83, 0x00, 1, 2, 3],
  };

  for (const [name, sub] of Object.entries(layouts)) {
    it(`reads ${name} as a field-by-field reading does`, () => {
      const data = body(3500, [sub, [...field(0x08, 0), ...field(0x1a, bytes(3))], sub]);
      expect(decoded(data)).toEqual(reference(data));
    });
  }

  it('refuses data longer than its sub-record in the one-step layout', () => {
    // Key index 1, data said to be 10 bytes, 4 present: the sub-record ends first.
    const sub = [0x08, 1, 0x1a, 10, 1, 2, 3, 4];
    expect(() => decodeAggregatedRecord(body(2, [sub]))).toThrow(KplDecodeError);
  });

  it('refuses a sub-record cut inside a two-byte data length', () => {
    const sub = [0x08, 1, 0x1a, 0x80];
    expect(() => decodeAggregatedRecord(body(2, [sub]))).toThrow(KplDecodeError);
  });
});
