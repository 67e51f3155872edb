import { runInThisContext } from 'node:vm';
import { Unpackr } from 'msgpackr';
import { SerializationError } from '../../../src/processors/errors/SerializationError';
import {
  msgpackSerializer,
  packForPython,
  pythonPackr,
} from '../../../src/processors/serializers/msgpackSerializer';
import { writeMsgpack } from '../../../src/processors/serializers/msgpackWriter';
import { seededRandom } from '../seededRandom';

/*
 * The one-pass writer against the path it replaces for the items it takes: msgpackr's pack and
 * the fix-up walk (packForPython), which is the oracle here, as msgpackr's unpack is the
 * decoder. Every item must give the same bytes, or the same refusal (class and message).
 */

const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');
const oraclePackr = pythonPackr();
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'auto' as 'number' });

type Outcome = { readonly hex: string } | { readonly error: string; readonly message: string };

function outcome(run: () => Uint8Array): Outcome {
  try {
    return { hex: hex(run()) };
  } catch (error) {
    return {
      error: error instanceof Error ? error.constructor.name : typeof error,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

const oracle = (item: unknown): Outcome => outcome(() => packForPython(oraclePackr, item));

/** Integers either side of every encoding's boundary, negatives included. */
const INTEGERS = [
  0,
  1,
  0x7f,
  0x80,
  0xff,
  0x100,
  0xffff,
  0x10000,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 32 + 1,
  2 ** 40,
  1_700_000_000_000,
  2 ** 52,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 60,
  2 ** 64,
  2 ** 70,
  1e21,
  -1,
  -0x1f,
  -0x20,
  -0x21,
  -0x7f,
  -0x80,
  -0x81,
  -0x7fff,
  -0x8000,
  -0x8001,
  -(2 ** 31) + 1,
  -(2 ** 31),
  -(2 ** 31) - 1,
  -(2 ** 32),
  -(2 ** 40),
  -(2 ** 53) + 1,
  -(2 ** 53),
  -(2 ** 60),
  -(2 ** 64),
];
const FLOATS = [0.5, -0.5, 1.5e10, 1e-300, 5e-324, -1e308, Math.PI, -0, Number.NaN, Infinity, -Infinity];
const BIGINTS = [
  0n,
  1n,
  -1n,
  5n,
  2n ** 31n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  2n ** 63n,
  2n ** 64n - 1n,
  -(2n ** 63n),
  -(2n ** 63n) - 1n,
  2n ** 64n,
  2n ** 70n,
];
/** One character of each UTF-8 length, and the edges of the 3-byte class around the surrogates. */
const CHARACTERS = [
  'a',
  '\u007f',
  '\u0080',
  'é',
  '\u07ff',
  '\u0800',
  '中',
  '\ud7ff',
  '\ue000',
  '\ufffd',
  '\uffff',
  '😀',
];
/** Lengths either side of every str header's boundary and of the writer's long-string switch. */
const LENGTHS = [0, 1, 2, 21, 22, 31, 32, 33, 63, 64, 65, 85, 86, 127, 128, 255, 256, 257, 1000];
const BYTE_LENGTHS = [31, 32, 255, 256, 65535, 65536];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** A string of `length` code units (one more to end on a whole pair), of characters drawn from `alphabet`. */
function stringOf(random: () => number, length: number, alphabet: readonly string[]): string {
  let block = '';
  while (block.length < Math.min(length, 512)) block += pick(random, alphabet);
  const text = block.repeat(Math.ceil(length / Math.max(block.length, 1)));
  // A pair cut in half would be a lone surrogate: end on a whole character instead.
  const end = /[\ud800-\udbff]$/.test(text.slice(0, length)) ? length + 1 : length;
  return text.slice(0, end);
}

/** A string of exactly `bytes` UTF-8 bytes: multi-byte characters of one width, ASCII to pad. */
function stringOfBytes(random: () => number, bytes: number): string {
  const character = pick(random, ['é', '中', '😀', 'a']);
  const width = Buffer.byteLength(character);
  const count = Math.floor((random() * bytes) / width);
  return character.repeat(count) + 'a'.repeat(bytes - count * width);
}

function randomString(random: () => number): string {
  const roll = random();
  if (roll < 0.05) return stringOfBytes(random, pick(random, BYTE_LENGTHS.slice(0, 4)));
  const alphabet =
    roll < 0.4 ? ['a', 'b', 'z', ' '] : roll < 0.7 ? CHARACTERS : [pick(random, CHARACTERS), 'x'];
  return stringOf(random, random() < 0.7 ? Math.floor(random() * 40) : pick(random, LENGTHS), alphabet);
}

/** Node's Buffers are written here, except on the browser build's platform (no Buffer there: msgpackr writes them). */
const BUFFERS_TAKEN = writeMsgpack(Buffer.alloc(1)) !== undefined;

function randomBinary(random: () => number): Uint8Array {
  const length = random() < 0.97 ? Math.floor(random() * 20) : pick(random, [255, 256, 1000, 65535, 65536]);
  const bytes = random() < 0.5 || !BUFFERS_TAKEN ? new Uint8Array(length) : Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

function randomDate(random: () => number): Date {
  return new Date(
    pick(random, [
      0,
      1,
      999,
      1000,
      1_700_000_000_000,
      1_700_000_000_123,
      -1,
      -1000,
      -1_700_000_000_123,
      2 ** 32 * 1000,
      2 ** 32 * 1000 - 1,
      2 ** 32 * 1000 + 5,
      8.64e15,
      -8.64e15,
      Math.floor(random() * 4e12),
    ]),
  );
}

/** A value of one of the kinds the writer takes; nested objects and arrays below depth 4. */
function randomValue(random: () => number, depth: number): unknown {
  const kind = Math.floor(random() * (depth >= 4 ? 9 : 11));
  switch (kind) {
    case 0:
      return pick(random, [null, true, false]);
    case 1:
      return pick(random, INTEGERS);
    case 2:
      return Math.floor((random() - 0.5) * 2 ** Math.floor(random() * 64));
    case 3:
      return random() < 0.5 ? pick(random, FLOATS) : (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
    case 4:
    case 5:
      return randomString(random);
    case 6:
      return pick(random, BIGINTS.slice(0, 10));
    case 7:
      return randomBinary(random);
    case 8:
      return randomDate(random);
    case 9: {
      const count = random() < 0.9 ? Math.floor(random() * 6) : pick(random, [15, 16, 17]);
      return Array.from({ length: count }, () => randomValue(random, depth + 1));
    }
    default: {
      const count = random() < 0.9 ? Math.floor(random() * 6) : pick(random, [15, 16, 17]);
      const object: Record<string, unknown> = {};
      for (let i = 0; i < count; i += 1) object[randomString(random)] = randomValue(random, depth + 1);
      return object;
    }
  }
}

// A typed array of the realm msgpackr takes typed arrays from (see hostileItems.test.ts).
const OuterFloat32Array = runInThisContext('Float32Array') as Float32ArrayConstructor;

/** One thing Python has no byte form for (or msgpackr refuses), put somewhere in an item. */
const UNFIT: ReadonlyArray<() => unknown> = [
  () => undefined,
  () => (): number => 1,
  () => Symbol('s'),
  () => 'a\ud800b',
  () => `${'x'.repeat(100)}\udc00`,
  () => '\udbff',
  () => 'x\udc00\udc00y',
  () => '\udc00\ud800\udc00',
  () => new Date(Number.NaN),
  () => 2n ** 64n,
  () => -(2n ** 63n) - 1n,
  () => OuterFloat32Array.of(1.5),
  () => new DataView(new ArrayBuffer(2)),
];

function withUnfit(random: () => number, item: unknown): unknown {
  const unfit = pick(random, UNFIT)();
  if (random() < 0.3) return unfit;
  if (random() < 0.5) return [item, unfit];
  return random() < 0.5
    ? { a: item, [random() < 0.2 ? `k${pick(random, ['\ud800', ''])}` : 'b']: unfit }
    : { b: unfit, a: item };
}

describe('writeMsgpack (the one-pass writer)', () => {
  const msgpack = msgpackSerializer();

  it('writes the same bytes as msgpackr + the fix-up walk for 3,000 seeded random items', () => {
    const random = seededRandom(2026);
    const kept: Array<[Uint8Array, string]> = [];
    for (let i = 0; i < 3000; i += 1) {
      const item = randomValue(random, random() < 0.3 ? 3 : 0);
      const expected = oracle(item);
      const bytes = writeMsgpack(item);
      // Every such item is one the writer takes (the refusals are below).
      expect('hex' in expected).toBe(true);
      expect(bytes).toBeDefined();
      expect(outcome(() => msgpack.serialize(item))).toEqual(expected);
      if (bytes !== undefined) {
        expect(hex(bytes)).toBe((expected as { hex: string }).hex);
        // msgpackr reads the bytes back, all of them.
        expect(() => unpackr.unpack(bytes)).not.toThrow();
        kept.push([bytes, hex(bytes)]);
      }
    }
    // Outputs are views of shared slabs: none was written over by a later item.
    for (const [bytes, text] of kept) expect(hex(bytes)).toBe(text);
  });

  it('writes every integer, float, bigint and Date edge as the oracle does', () => {
    const values: unknown[] = [
      ...INTEGERS,
      ...FLOATS,
      ...BIGINTS.slice(0, 10),
      ...[0, 1, 999, -1, -1001, 1_700_000_000_123, 2 ** 32 * 1000 - 1, 2 ** 32 * 1000, 8.64e15, -8.64e15].map(
        (ms) => new Date(ms),
      ),
    ];
    for (const value of values) {
      const bytes = writeMsgpack(value);
      expect(bytes).toBeDefined();
      expect([value, hex(bytes as Uint8Array)]).toEqual([value, (oracle(value) as { hex: string }).hex]);
      const inObject = { v: value, w: [value] };
      expect(hex(writeMsgpack(inObject) as Uint8Array)).toBe((oracle(inObject) as { hex: string }).hex);
    }
  });

  it('writes strings of every UTF-8 width at every header boundary (code units and bytes) as the oracle does', () => {
    const random = seededRandom(31);
    const strings: string[] = [];
    for (const character of CHARACTERS) {
      for (const length of [...LENGTHS, 21845, 21846, 32767, 32768, 65535, 65536, 65537]) {
        strings.push(stringOf(random, length, [character]), stringOf(random, length, ['a', character]));
      }
    }
    for (const bytes of BYTE_LENGTHS) {
      for (const character of ['a', 'é', '中', '😀']) {
        const width = Buffer.byteLength(character);
        const count = Math.floor(bytes / width);
        strings.push(character.repeat(count) + 'a'.repeat(bytes - count * width));
        strings.push('a'.repeat(bytes - count * width) + character.repeat(count));
      }
    }
    for (const text of strings) {
      const bytes = writeMsgpack(text);
      expect(bytes).toBeDefined();
      const expected = (oracle(text) as { hex: string }).hex;
      if (hex(bytes as Uint8Array) !== expected)
        throw new Error(`differs for a string of ${text.length} code units`);
      // And as a key, after a little written already.
      const item = { [text]: 1 };
      expect(hex(writeMsgpack(item) as Uint8Array) === (oracle(item) as { hex: string }).hex).toBe(true);
    }
  });

  it('refuses exactly what the msgpackr path refuses, with the same error and message (seeded)', () => {
    const random = seededRandom(99);
    for (let i = 0; i < 1000; i += 1) {
      const item = withUnfit(random, randomValue(random, 2));
      const expected = oracle(item);
      expect('error' in expected).toBe(true);
      expect(outcome(() => msgpack.serialize(item))).toEqual(expected);
    }
    expect(() => msgpack.serialize({ a: [1, { b: 'x\ud83d' }] })).toThrow(SerializationError);
    expect(() => msgpack.serialize({ a: [1, { b: 'x\ud83d' }] })).toThrow(
      'the string at $.a[1].b holds a lone surrogate \\ud83d at position 1',
    );
  });

  it('leaves the types it does not take to the msgpackr path, with the same bytes', () => {
    class Point {
      x = 1;
      y = 2 ** 40;
    }
    class Stamp {
      toJSON(): string {
        return 'at';
      }
    }
    const bytes = Uint8Array.of(1, 2);
    const withToJSON = Object.assign(Uint8Array.of(3), { toJSON: (): string => 'three' });
    const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const items: unknown[] = [
      new Map<unknown, unknown>([
        ['a', 2 ** 40],
        [1, 'b'],
      ]),
      new Set(['a', 2 ** 40]),
      new Point(),
      new Stamp(),
      new Error('boom'),
      /re/g,
      bytes.buffer,
      withToJSON,
      nullPrototype,
      { constructor: 'x' },
      [new Date(0), new (class Later extends Date {})(0)],
      new Array(3).fill(1),
    ];
    for (const item of items) {
      expect(outcome(() => msgpack.serialize(item))).toEqual(oracle(item));
    }
    for (const item of items.slice(0, 10)) expect(writeMsgpack(item)).toBeUndefined();
  });

  it('leaves deep nesting and cycles to the msgpackr path', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 300; i += 1) deep = [deep];
    expect(writeMsgpack(deep)).toBeUndefined();
    expect(hex(msgpack.serialize(deep))).toBe((oracle(deep) as { hex: string }).hex);
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(outcome(() => msgpack.serialize(cycle))).toEqual(oracle(cycle));
    expect(outcome(() => msgpack.serialize(cycle))).toMatchObject({ message: /Maximum call stack/ });
  });

  it('reports a getter that throws as msgpackr does, and leaves an item serialized from a getter to msgpackr', () => {
    const throwing = {
      a: 1,
      get b(): number {
        throw new Error('getter failed');
      },
    };
    expect(outcome(() => msgpack.serialize(throwing))).toEqual({
      error: 'SerializationError',
      message: 'msgpack: cannot serialize item: getter failed',
    });
    let inner: Uint8Array | undefined;
    const outer = {
      a: 'x'.repeat(10),
      get b(): number {
        inner = msgpack.serialize({ nested: 2 ** 40 });
        return 2;
      },
      c: 'y'.repeat(70),
    };
    const packed = msgpack.serialize(outer);
    expect(hex(packed)).toBe((oracle({ a: 'x'.repeat(10), b: 2, c: 'y'.repeat(70) }) as { hex: string }).hex);
    expect(hex(inner as Uint8Array)).toBe('81a66e6573746564cf0000010000000000');
  });

  it('keeps earlier outputs intact across slabs, growth for a long item and items larger than a slab', () => {
    const random = seededRandom(5);
    const kept: Array<[Uint8Array, string]> = [];
    for (let i = 0; i < 200; i += 1) {
      const size = pick(random, [10, 100, 1000, 3000, 9000, 70_000]);
      const item = { i, s: stringOf(random, size, ['a', 'é', '中', '😀']), b: randomBinary(random) };
      const bytes = writeMsgpack(item) as Uint8Array;
      expect(hex(bytes)).toBe((oracle(item) as { hex: string }).hex);
      kept.push([bytes, hex(bytes)]);
      // An output larger than a slab holds at most twice its bytes.
      if (bytes.byteLength > 8192) expect(bytes.buffer.byteLength).toBeLessThanOrEqual(2 * bytes.byteLength);
    }
    for (const [bytes, text] of kept) expect(hex(bytes)).toBe(text);
  });
});
