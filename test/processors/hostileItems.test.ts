import { runInThisContext } from 'node:vm';
import type { AggregatedRecord } from '../../src/processors/Aggregator';
import { RecordTooLargeError } from '../../src/processors/errors/RecordTooLargeError';
import { SerializationError } from '../../src/processors/errors/SerializationError';
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
import { textPathOf } from '../../src/processors/textPathOf';

/*
 * Every named processor against hostile items: each one either encodes to exactly the bytes
 * Python writes (json.dumps, msgpack.packb(use_bin_type=True), str.encode('utf-8'); figures
 * taken from Python 3.11 / msgpack 1.x) and reads back as stated, or is refused with a
 * SerializationError, never a raw TypeError / RangeError and never silently changed beyond
 * the differences the README lists.
 */

/** What a serializer does with an item: its bytes (text for JSON, hex for msgpack) and what reads back, or a refusal. */
type Outcome =
  | { readonly text: string; readonly back?: unknown }
  | { readonly hex: string; readonly back?: unknown }
  | { readonly refused: string };

interface HostileCase {
  readonly name: string;
  /** A fresh item per use (some are mutable or stateful). */
  readonly item: () => unknown;
  /** Python-style JSON (Python's json.dumps bytes unless the README lists a difference). */
  readonly json: Outcome;
  /** Compact JSON (JSON.stringify); when omitted, the Python-style outcome without the spaces. */
  readonly compact?: Outcome;
  readonly msgpack: Outcome;
  /** The string serializer; when omitted, the item is not a string and is refused as such. */
  readonly string?: Outcome;
}

const long = 'x'.repeat(100);
// A typed array of the realm msgpackr takes typed arrays from (jest gives each test file a realm
// of its own but passes Uint8Array, and so the typed arrays' base class, through; msgpackr tells
// typed arrays and DataViews by instanceof): as they are in an application.
const OuterFloat32Array = runInThisContext('Float32Array') as Float32ArrayConstructor;
const nest = (depth: number, inner: unknown): unknown => {
  let value = inner;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};
const notJson = 'has no JSON representation';
const undefinedOrFunction = 'undefined or a function';

const cases: HostileCase[] = [
  {
    name: 'a lone surrogate in a string',
    item: () => 'a\ud800b',
    // Python's json.dumps escapes it (ASCII output) and json.loads reads it back.
    json: { text: '"a\\ud800b"' },
    msgpack: { refused: 'lone surrogate \\ud800 at position 1' },
    string: { refused: 'lone surrogate \\ud800 at position 1' },
  },
  {
    name: 'a lone surrogate in a long string',
    item: () => `${long}\udc00`,
    json: { text: `"${long}\\udc00"` },
    msgpack: { refused: 'lone surrogate \\udc00 at position 100' },
    string: { refused: 'lone surrogate \\udc00 at position 100' },
  },
  {
    name: 'a lone surrogate in a key',
    item: () => ({ 'k\udc00': 'v' }),
    json: { text: '{"k\\udc00": "v"}' },
    msgpack: { refused: 'the key "k\\udc00" at $ holds a lone surrogate' },
  },
  {
    name: 'nesting 100 deep',
    item: () => nest(100, 1),
    json: { text: `${'['.repeat(100)}1${']'.repeat(100)}` },
    msgpack: { hex: `${'91'.repeat(100)}01` },
  },
  {
    name: 'nesting 5,000 deep (Python refuses too: RecursionError, ValueError)',
    item: () => nest(5000, 1),
    json: { refused: 'Maximum call stack size exceeded' },
    msgpack: { refused: 'Maximum call stack size exceeded' },
  },
  {
    name: 'a "__proto__" key (as JSON.parse makes it)',
    item: () => JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}') as unknown,
    json: { text: '{"__proto__": {"x": 1}, "constructor": 2}' },
    // Known difference: msgpackr renames the key "__proto__" to "__proto_" on reading (its guard
    // against prototype pollution); the bytes are Python's.
    msgpack: {
      hex: '82a95f5f70726f746f5f5f81a17801ab636f6e7374727563746f7202',
      back: { __proto_: { x: 1 }, constructor: 2 },
    },
  },
  {
    name: 'a "constructor" key',
    item: () => ({ constructor: 'x' }),
    json: { text: '{"constructor": "x"}' },
    msgpack: { hex: '81ab636f6e7374727563746f72a178' },
  },
  {
    name: 'a Symbol',
    item: () => Symbol('s'),
    json: { refused: notJson },
    msgpack: { refused: 'Unknown type: symbol' },
  },
  {
    name: 'a Symbol value (JSON drops it as JSON.stringify does)',
    item: () => ({ a: Symbol('s'), b: 1 }),
    json: { text: '{"b": 1}', back: { b: 1 } },
    msgpack: { refused: 'Unknown type: symbol' },
  },
  {
    name: 'a Symbol key (not data: dropped by both)',
    item: () => ({ [Symbol('k')]: 1, b: 1 }),
    json: { text: '{"b": 1}', back: { b: 1 } },
    msgpack: { hex: '81a16201', back: { b: 1 } },
  },
  {
    name: 'a bigint',
    item: () => 5n,
    json: { refused: 'BigInt' },
    // As Python writes the int 5; read back as a number (within 2^53): see the README.
    msgpack: { hex: '05', back: 5 },
  },
  {
    name: 'a bigint beyond 64 bits (Python refuses too: OverflowError)',
    item: () => ({ n: 2n ** 70n }),
    json: { refused: 'BigInt' },
    msgpack: { refused: 'too large' },
  },
  {
    name: 'a sparse array',
    // eslint-disable-next-line no-sparse-arrays
    item: () => [1, , 3],
    json: { text: '[1, null, 3]', back: [1, null, 3] },
    msgpack: { refused: 'array hole' },
  },
  {
    name: 'a Uint8Array (msgpack: bin, as Python bytes)',
    item: () => Uint8Array.of(1, 2),
    json: { text: '{"0": 1, "1": 2}', back: { 0: 1, 1: 2 } },
    msgpack: { hex: 'c4020102', back: Buffer.from([1, 2]) },
  },
  {
    name: 'a Float32Array (msgpackr would write the wrong bytes)',
    item: () => ({ v: OuterFloat32Array.of(1.5) }),
    json: { text: '{"v": {"0": 1.5}}', back: { v: { 0: 1.5 } } },
    msgpack: { refused: 'the value at $.v is a Float32Array, not bytes' },
  },
  {
    name: 'a DataView',
    item: () => [new DataView(new ArrayBuffer(2))],
    json: { text: '[{}]', back: [{}] },
    msgpack: { refused: 'the value at $[0] is a DataView, not bytes' },
  },
  {
    name: 'a Date (msgpack: the timestamp extension Python reads as msgpack.Timestamp)',
    item: () => new Date(0),
    json: { text: '"1970-01-01T00:00:00.000Z"', back: '1970-01-01T00:00:00.000Z' },
    msgpack: { hex: 'd6ff00000000' },
  },
  {
    name: 'an invalid Date (Python cannot read msgpackr’s invalid timestamp)',
    item: () => ({ at: new Date(Number.NaN) }),
    json: { text: '{"at": null}', back: { at: null } },
    msgpack: { refused: 'invalid Date' },
  },
  {
    name: 'a toJSON() that returns undefined',
    item: () => ({ toJSON: () => undefined }),
    json: { refused: notJson },
    msgpack: { refused: undefinedOrFunction },
  },
  {
    name: 'a property whose toJSON() returns undefined (JSON drops it)',
    item: () => ({ a: { toJSON: () => undefined }, b: 1 }),
    json: { text: '{"b": 1}', back: { b: 1 } },
    msgpack: { refused: undefinedOrFunction },
  },
  {
    name: 'NaN (JSON: null, see the README; Python writes NaN)',
    item: () => [Number.NaN],
    json: { text: '[null]', back: [null] },
    msgpack: { hex: '91cb7ff8000000000000' },
  },
  {
    name: 'Infinity and -Infinity (JSON: null, see the README)',
    item: () => [Infinity, -Infinity],
    json: { text: '[null, null]', back: [null, null] },
    msgpack: { hex: '92cb7ff0000000000000cbfff0000000000000' },
  },
  {
    name: '-0 (an integral float: written as 0, see the README; Python writes -0.0)',
    item: () => -0,
    json: { text: '0', back: 0 },
    msgpack: { hex: '00', back: 0 },
  },
  {
    name: 'an integer beyond 2^53 (a float: written as an integer in JSON, float64 in msgpack)',
    item: () => [2 ** 60, 1e21],
    json: { text: '[1152921504606846976, 1000000000000000000000]' },
    // Compact is JSON.stringify's text (the same number for JavaScript, not for Python).
    compact: { text: '[1152921504606847000,1e+21]' },
    msgpack: { hex: '92cb43b0000000000000cb444b1ae4d6e2ef50' },
  },
  {
    name: 'an integer beyond 2^53 in a class instance (the JSON.stringify path of Python-style JSON)',
    item: () =>
      new (class Point {
        n = 2 ** 60;
        m = [-(2 ** 60), 1.5];
      })(),
    json: {
      text: '{"n": 1152921504606846976, "m": [-1152921504606846976, 1.5]}',
      back: { n: 2 ** 60, m: [-(2 ** 60), 1.5] },
    },
    compact: {
      text: '{"n":1152921504606847000,"m":[-1152921504606847000,1.5]}',
      back: { n: 2 ** 60, m: [-(2 ** 60), 1.5] },
    },
    msgpack: {
      hex: '82a16ecb43b0000000000000a16d92cbc3b0000000000000cb3ff8000000000000',
      back: { n: 2 ** 60, m: [-(2 ** 60), 1.5] },
    },
  },
  {
    name: 'undefined',
    item: () => undefined,
    json: { refused: notJson },
    msgpack: { refused: undefinedOrFunction },
  },
  {
    name: 'a function',
    item: () => (): number => 1,
    json: { refused: notJson },
    msgpack: { refused: undefinedOrFunction },
  },
  {
    name: 'a Map (JSON: {} as JSON.stringify writes it; msgpack: a map, read back as an object)',
    item: () => new Map([['a', 1]]),
    json: { text: '{}', back: {} },
    msgpack: { hex: '81a16101', back: { a: 1 } },
  },
  {
    name: 'U+FFFD and a surrogate pair (well formed: kept)',
    item: () => `\ufffd${long}\ud83d\ude00`,
    json: { text: `"\\ufffd${long}\\ud83d\\ude00"` },
    compact: { text: `"\ufffd${long}\ud83d\ude00"` },
    msgpack: { hex: `d96befbfbd${'78'.repeat(100)}f09f9880` },
    string: { hex: `efbfbd${'78'.repeat(100)}f09f9880` },
  },
];

interface Named {
  readonly name: string;
  readonly make: () => Processor<unknown>;
  readonly outcome: (c: HostileCase) => Outcome;
  /** The record's data for an item's bytes. */
  readonly frame: (item: Buffer) => Buffer | undefined;
}

const compactOutcome = (c: HostileCase): Outcome => {
  if (c.compact !== undefined) return c.compact;
  if ('text' in c.json) return { ...c.json, text: JSON.stringify(c.item()) };
  return c.json;
};
const stringOutcome = (c: HostileCase): Outcome =>
  c.string ?? { refused: `expected a string item, got ${typeof c.item()}` };
const plain = (item: Buffer): Buffer => item;
const kpl = (): undefined => undefined;

const processors: Named[] = [
  {
    name: 'stringProcessor',
    make: () => stringProcessor() as Processor<unknown>,
    outcome: stringOutcome,
    frame: plain,
  },
  { name: 'jsonProcessor', make: () => jsonProcessor(), outcome: (c) => c.json, frame: plain },
  {
    name: 'jsonProcessor (compact)',
    make: () => jsonProcessor({ style: 'compact' }),
    outcome: compactOutcome,
    frame: plain,
  },
  {
    name: 'jsonLineProcessor',
    make: () => jsonLineProcessor(),
    outcome: (c) => c.json,
    frame: (item) => Buffer.concat([item, Buffer.from('\n')]),
  },
  {
    name: 'jsonLineProcessor (compact)',
    make: () => jsonLineProcessor({ style: 'compact' }),
    outcome: compactOutcome,
    frame: (item) => Buffer.concat([item, Buffer.from('\n')]),
  },
  {
    name: 'jsonListProcessor',
    make: () => jsonListProcessor(),
    outcome: (c) => c.json,
    frame: (item) => Buffer.concat([Buffer.from('['), item, Buffer.from(']')]),
  },
  {
    name: 'msgpackProcessor',
    make: () => msgpackProcessor(),
    outcome: (c) => c.msgpack,
    frame: (item) => Buffer.concat([Buffer.from(`${item.length}:`), item, Buffer.from(',')]),
  },
  { name: 'kplJsonProcessor', make: () => kplJsonProcessor(), outcome: (c) => c.json, frame: kpl },
  {
    name: 'kplStringProcessor',
    make: () => kplStringProcessor() as Processor<unknown>,
    outcome: stringOutcome,
    frame: kpl,
  },
  { name: 'kplMsgpackProcessor', make: () => kplMsgpackProcessor(), outcome: (c) => c.msgpack, frame: kpl },
];

const LIMIT = 1024 * 1024;

/** One item as one record, on the byte path (serialize, then the aggregator). */
function encodeBytes(processor: Processor<unknown>, item: unknown, limit = LIMIT): AggregatedRecord {
  const accumulator = processor.aggregator.createAccumulator(limit);
  accumulator.add({ data: processor.serializer.serialize(item), partitionKey: 'pk' });
  return accumulator.flush() as AggregatedRecord;
}

/** One item as one record, on the text path (as the producer writes it), or undefined without one. */
function encodeText(
  processor: Processor<unknown>,
  item: unknown,
  limit = LIMIT,
): AggregatedRecord | undefined {
  const textPath = textPathOf(processor);
  if (textPath === undefined) return undefined;
  const accumulator = textPath.aggregator.createAccumulator(limit, textPath.serializer);
  accumulator.add({ text: textPath.serializer.serialize(item), partitionKey: 'pk' });
  return accumulator.flush();
}

function decode(processor: Processor<unknown>, record: AggregatedRecord): unknown[] {
  return processor.aggregator
    .deaggregate({ data: record.data, partitionKey: record.partitionKey })
    .map((part) => processor.serializer.deserialize(part.data));
}

describe.each(processors)('$name with hostile items', ({ make, outcome, frame }) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, hostile) => {
    const processor = make();
    const expected = outcome(hostile);
    if ('refused' in expected) {
      let thrown: unknown;
      try {
        encodeBytes(processor, hostile.item());
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SerializationError);
      expect((thrown as Error).message).toContain(expected.refused);
      if (textPathOf(processor) !== undefined) {
        expect(() => encodeText(processor, hostile.item())).toThrow(SerializationError);
      }
      return;
    }
    const bytes = 'text' in expected ? Buffer.from(expected.text, 'utf8') : Buffer.from(expected.hex, 'hex');
    const record = encodeBytes(processor, hostile.item());
    const parts = processor.aggregator.deaggregate({ data: record.data, partitionKey: 'pk' });
    expect(parts).toHaveLength(1);
    expect(Buffer.from(parts[0]!.data).toString('hex')).toBe(bytes.toString('hex'));
    const framed = frame(bytes);
    if (framed !== undefined) expect(Buffer.from(record.data).toString('hex')).toBe(framed.toString('hex'));
    const text = encodeText(processor, hostile.item());
    if (text !== undefined) expect(Buffer.from(text.data).equals(Buffer.from(record.data))).toBe(true);
    const back = 'back' in expected ? expected.back : hostile.item();
    expect(decode(processor, record)).toEqual([back]);
  });

  it('fits an item of exactly the record limit and refuses one byte more with RecordTooLargeError', () => {
    const processor = make();
    const limit = 64 * 1024;
    // The largest run of 'x' (a string, or a JSON / msgpack string) whose record fits.
    const item = (n: number): unknown => (make().name.includes('tring') ? 'x'.repeat(n) : ['x'.repeat(n)]);
    const fits = (n: number): boolean => {
      try {
        encodeBytes(processor, item(n), limit);
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(RecordTooLargeError);
        return false;
      }
    };
    let low = 0;
    let high = limit;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fits(middle)) low = middle;
      else high = middle - 1;
    }
    const record = encodeBytes(processor, item(low), limit);
    expect(record.size).toBe(record.data.byteLength + 2);
    // Every format but KPL (whose varint lengths step) reaches the limit exactly.
    if (!make().name.startsWith('kpl')) expect(record.size).toBe(limit);
    else expect(record.size).toBeGreaterThan(limit - 8);
    expect(decode(processor, record)).toEqual([item(low)]);
    expect(() => encodeBytes(processor, item(low + 1), limit)).toThrow(RecordTooLargeError);
  });
});
