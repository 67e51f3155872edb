// The KPL body decoder against the reference kept of it as it was (kplDecoderBefore.ts), on
// bodies written by the encoder and then mutated (bytes changed, inserted, removed, cut off;
// about half of them invalid): the same key tables, item table and largest key indexes, or the
// same error (class, message, offset), body for body.
import { describe, expect, it } from '@jest/globals';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator.js';
import { decodeAggregatedRecord } from '../../../src/processors/aggregators/kplProtobuf.js';
import { seededRandom } from '../seededRandom.js';
import { referenceDecode } from './kplDecoderBefore.js';

const BODIES = 3000;
/** Bytes that are tags, lengths and indexes in a body, so that mutations hit its structure. */
const STRUCTURE = [0x08, 0x10, 0x1a, 0x0a, 0x12, 0x80, 0xff, 0x00];

function body(random: () => number): Uint8Array {
  const int = (n: number) => Math.floor(random() * n);
  const accumulator = kplAggregator().createAccumulator(64 * 1024);
  const keys = 1 + int(8);
  const sizes = int(4);
  for (let i = 1 + int(40); i > 0; i -= 1) {
    const size = sizes === 0 ? int(4) : sizes === 1 ? int(140) : sizes === 2 ? 100 : int(400);
    const data = Buffer.alloc(size, int(256));
    const partitionKey = `k${int(keys)}`;
    const explicitHashKey = int(3) === 0 ? String(int(1000) * 1e30) : undefined;
    accumulator.add(
      explicitHashKey === undefined ? { data, partitionKey } : { data, partitionKey, explicitHashKey },
    );
  }
  const record = accumulator.flush()?.data ?? new Uint8Array(20);
  return record.subarray(4, record.length - 16);
}

function mutated(random: () => number, original: Uint8Array): Uint8Array {
  const int = (n: number) => Math.floor(random() * n);
  const bytes = [...original];
  const kind = int(6);
  for (let k = 1 + int(3); k > 0; k -= 1) {
    const at = int(bytes.length + 1);
    const last = Math.min(at, bytes.length - 1);
    if (kind === 0 || kind === 4) bytes[last] = int(256);
    else if (kind === 1) bytes.splice(at, 0, int(256));
    else if (kind === 2) bytes.splice(at, 1);
    else if (kind === 3) bytes.length = Math.min(bytes.length, at);
    else bytes[last] = STRUCTURE[int(STRUCTURE.length)] as number;
  }
  return Uint8Array.from(bytes);
}

function outcome(decode: typeof decodeAggregatedRecord, data: Uint8Array): string {
  try {
    const decoded = decode(data);
    return JSON.stringify([
      decoded.partitionKeys,
      decoded.explicitHashKeys,
      [...decoded.table],
      decoded.largeIndexes === undefined ? null : [...decoded.largeIndexes],
      decoded.maxPartitionKeyIndex,
      decoded.maxExplicitHashKeyIndex,
    ]);
  } catch (error) {
    const { name, message, offset } = error as Error & { offset?: number };
    return `${(error as Error).constructor.name} ${name} ${message} ${offset}`;
  }
}

describe('KPL body decoder against the reference', () => {
  it(`decodes ${BODIES} mutated bodies as the reference does (seeded)`, () => {
    const random = seededRandom(20261202);
    let invalid = 0;
    for (let n = 0; n < BODIES; n += 1) {
      const data = mutated(random, body(random));
      const expected = outcome(referenceDecode, data);
      if (!expected.startsWith('[')) invalid += 1;
      const actual = outcome(decodeAggregatedRecord, data);
      if (actual !== expected)
        expect({ body: Buffer.from(data).toString('hex'), actual }).toEqual({
          body: Buffer.from(data).toString('hex'),
          actual: expected,
        });
    }
    // Both kinds are there in numbers.
    expect(invalid).toBeGreaterThan(BODIES / 5);
    expect(invalid).toBeLessThan((BODIES * 4) / 5);
  });
});
