import { InvalidOptionError } from '../../../src/errors/InvalidOptionError';
import { SerializationError } from '../../../src/processors/errors/SerializationError';
import { exactIntegersSupported } from '../../../src/processors/serializers/exactIntegers';
import { jsonSerializer, type JsonStyle } from '../../../src/processors/serializers/jsonSerializer';
import { msgpackSerializer } from '../../../src/processors/serializers/msgpackSerializer';
import {
  jsonLineProcessor,
  jsonListProcessor,
  jsonProcessor,
  kplJsonProcessor,
  msgpackProcessor,
} from '../../../src/processors/namedProcessors';
import type { Processor } from '../../../src/processors/Processor';
import type { Serializer } from '../../../src/processors/Serializer';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const bytes = (value: string): Buffer => Buffer.from(value, 'utf8');

/** What CPython 3 `json.dumps` prints for {'id': 12345678901234567890, 'neg': -9007199254740993, ...}. */
const PYTHON_TEXT =
  '{"id": 12345678901234567890, "neg": -9007199254740993, "safe": 9007199254740991, "f": 1e+20, ' +
  '"g": 1.2345678901234567e+19, "big": 1606938044258990275541962092341162602522202993782792835301376, ' +
  '"nested": [18446744073709551616, {"x": 9007199254740992}]}';

const PYTHON_VALUE = {
  id: 12345678901234567890n,
  neg: -9007199254740993n,
  safe: 9007199254740991,
  f: 1e20,
  g: 1.2345678901234567e19,
  big: 2n ** 200n,
  nested: [2n ** 64n, { x: 2n ** 53n }],
};

const supported = exactIntegersSupported();
const nodeMajor = Number(process.versions.node.split('.')[0]);

test('the runtime check matches the Node versions that have JSON source text access', () => {
  // Node 22 and later give revivers the source text and have JSON.rawJSON; Node 20 has neither.
  expect(supported).toBe(nodeMajor >= 22);
});

describe("JSON largeIntegers: 'number' (the default)", () => {
  const json = jsonSerializer();

  it('reads an integer beyond 2^53 as JavaScript does, rounded', () => {
    expect(json.deserialize(bytes('{"id": 12345678901234567890}'))).toEqual({ id: 12345678901234567000 });
  });

  it('refuses a bigint with a SerializationError', () => {
    expect(() => json.serialize({ id: 1n })).toThrow(SerializationError);
    expect(() => jsonSerializer({ style: 'compact' }).serialize({ id: 1n })).toThrow(SerializationError);
  });
});

(supported ? describe : describe.skip)("JSON largeIntegers: 'bigint'", () => {
  // Made in beforeAll: the body of a skipped describe still runs.
  let python: Serializer<unknown>;
  let compact: Serializer<unknown>;
  beforeAll(() => {
    python = jsonSerializer({ largeIntegers: 'bigint' });
    compact = jsonSerializer({ style: 'compact', largeIntegers: 'bigint' });
  });

  it("reads Python's ints beyond 2^53 exactly and keeps its floats and safe ints as numbers", () => {
    expect(python.deserialize(bytes(PYTHON_TEXT))).toEqual(PYTHON_VALUE);
    expect(compact.deserialize(bytes(PYTHON_TEXT))).toEqual(PYTHON_VALUE);
    expect(python.text?.deserialize(PYTHON_TEXT)).toEqual(PYTHON_VALUE);
  });

  it.each<[string, unknown]>([
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['-9007199254740992', -9007199254740992n],
    ['1e20', 1e20],
    ['100000000000000000000.0', 1e20],
    ['-0', -0],
    ['12345678901234567890', 12345678901234567890n],
  ])('reads %s as %p', (source, expected) => {
    expect(python.deserialize(bytes(source))).toEqual(expected);
  });

  it('leaves strings and keys of digits as strings', () => {
    const value = python.deserialize(bytes('{"12345678901234567890": "98765432109876543210", "n": 1}'));
    expect(value).toEqual({ '12345678901234567890': '98765432109876543210', n: 1 });
  });

  it("reads Python's NaN / Infinity tokens and large ints in one item", () => {
    const value = python.deserialize(bytes('{"a": NaN, "b": [Infinity, 12345678901234567890], "c": "NaN"}'));
    expect(value).toEqual({ a: Number.NaN, b: [Number.POSITIVE_INFINITY, 12345678901234567890n], c: 'NaN' });
  });

  it('writes bigints as their digits, the bytes Python writes for its ints', () => {
    const item = {
      id: 12345678901234567890n,
      neg: -9007199254740993n,
      safe: 9007199254740991,
      f: 1.5,
      big: 2n ** 200n,
    };
    const pythonBytes =
      '{"id": 12345678901234567890, "neg": -9007199254740993, "safe": 9007199254740991, "f": 1.5, ' +
      '"big": 1606938044258990275541962092341162602522202993782792835301376}';
    expect(text(python.serialize(item))).toBe(pythonBytes);
    expect(python.text?.serialize(item)).toBe(pythonBytes);
    expect(text(compact.serialize(item))).toBe(
      '{"id":12345678901234567890,"neg":-9007199254740993,"safe":9007199254740991,"f":1.5,' +
        '"big":1606938044258990275541962092341162602522202993782792835301376}',
    );
    expect(text(python.serialize(7n))).toBe('7');
    expect(text(python.serialize({ toJSON: () => [1n, 'x'] }))).toBe('[1, "x"]');
  });

  it('writes a number beyond 2^53 as Python writes a float, so that it reads back as a number', () => {
    // Every double beyond 2^53 is integral; with bigints for ints, such a number is a float.
    // Expected strings are CPython's repr() of the same floats.
    const item = { a: 2 ** 60, b: 2 ** 53 + 2, c: 1e20, d: -1.5e300, e: Number.MAX_VALUE, f: 2 ** 53 - 1 };
    const pythonText =
      '{"a": 1.152921504606847e+18, "b": 9007199254740994.0, "c": 1e+20, "d": -1.5e+300, ' +
      '"e": 1.7976931348623157e+308, "f": 9007199254740991}';
    expect(text(python.serialize(item))).toBe(pythonText);
    expect(python.text?.serialize(item)).toBe(pythonText);
    expect(text(compact.serialize(item))).toBe(
      '{"a":1.152921504606847e+18,"b":9007199254740994.0,"c":1e+20,"d":-1.5e+300,"e":1.7976931348623157e+308,"f":9007199254740991}',
    );
    expect(python.deserialize(python.serialize(item))).toEqual(item);
    expect(compact.deserialize(compact.serialize(item))).toEqual(item);
    // The default mode writes them as ints (Python reads ints), as before.
    expect(text(jsonSerializer().serialize({ a: 2 ** 60 }))).toBe('{"a": 1152921504606846976}');
  });

  it('takes no string of the item for a bigint', () => {
    const item = {
      a: 2n ** 64n,
      s: 'rxjs-kinesis:00000000000000000000000000000000:5',
      t: '"rxjs-kinesis:x:1"',
      u: '12345678901234567890',
    };
    expect(python.deserialize(python.serialize(item))).toEqual(item);
    expect(compact.deserialize(compact.serialize(item))).toEqual(item);
    // A bigint within 2^53 is written as its digits and read back as a number, as every safe int.
    expect(python.deserialize(python.serialize({ a: 1n }))).toEqual({ a: 1 });
  });

  it('still refuses what JSON cannot hold, with a SerializationError', () => {
    const cycle: Record<string, unknown> = { id: 1n };
    cycle.self = cycle;
    expect(() => python.serialize(cycle)).toThrow(SerializationError);
    expect(() => compact.serialize(cycle)).toThrow(SerializationError);
  });

  it('round-trips through every JSON processor, on the byte path and on the lazy and text paths', () => {
    const items = [
      { id: 12345678901234567890n, neg: -(2n ** 70n), safe: 9007199254740991, f: 1.5e300, g: 1e-7 },
      { n: 1, nested: [2n ** 64n, { x: 2n ** 53n }] },
      12345678901234567890n,
      'text 12345678901234567890',
      { wide: 'Zoë 😀', id: 2n ** 200n },
    ];
    const processors: Processor<unknown>[] = [
      jsonProcessor({ largeIntegers: 'bigint' }),
      jsonLineProcessor({ largeIntegers: 'bigint' }),
      jsonListProcessor({ largeIntegers: 'bigint' }),
      kplJsonProcessor({ largeIntegers: 'bigint' }),
      jsonLineProcessor({ style: 'compact', largeIntegers: 'bigint' }),
    ];
    for (const processor of processors) {
      const { aggregator, serializer } = processor;
      const accumulator = aggregator.createAccumulator(1024 * 1024);
      const records: Uint8Array[] = [];
      const keep = (record: { data: Uint8Array } | undefined): void => {
        if (record !== undefined) records.push(record.data);
      };
      for (const item of items)
        keep(accumulator.add({ data: serializer.serialize(item), partitionKey: 'k' }));
      keep(accumulator.flush());
      const onBytes: unknown[] = [];
      const lazily: unknown[] = [];
      const onText: unknown[] = [];
      for (const data of records) {
        const record = { data, partitionKey: 'k' };
        for (const part of aggregator.deaggregate(record)) onBytes.push(serializer.deserialize(part.data));
        const lazy = aggregator.deaggregateLazily?.(record);
        for (let i = 0; lazy !== undefined && i < lazy.count; i += 1) {
          lazily.push(serializer.deserialize(lazy.data(i)));
        }
        const texts = serializer.text === undefined ? undefined : aggregator.text?.deaggregate(record);
        for (const itemText of texts ?? []) onText.push(serializer.text?.deserialize(itemText));
      }
      expect({ processor: processor.name, onBytes }).toEqual({ processor: processor.name, onBytes: items });
      if (aggregator.deaggregateLazily !== undefined) expect(lazily).toEqual(items);
      if (aggregator.text !== undefined && serializer.text !== undefined) {
        expect(onText).toEqual(items);
        // The text path writes the bytes of the byte path.
        const textAccumulator = aggregator.text.createAccumulator(1024 * 1024, serializer.text);
        const textRecords: Uint8Array[] = [];
        for (const item of items) {
          const record = textAccumulator.add({ text: serializer.text.serialize(item), partitionKey: 'k' });
          if (record !== undefined) textRecords.push(record.data);
        }
        const last = textAccumulator.flush();
        if (last !== undefined) textRecords.push(last.data);
        expect(textRecords.map((data) => Buffer.from(data).toString('hex'))).toEqual(
          records.map((data) => Buffer.from(data).toString('hex')),
        );
      }
    }
  });
});

(supported ? describe.skip : describe)(
  'JSON largeIntegers on a runtime without JSON source text access',
  () => {
    it("refuses 'bigint' with an InvalidOptionError saying what it needs", () => {
      expect(() => jsonSerializer({ largeIntegers: 'bigint' })).toThrow(/Node 22 and later/);
    });
  },
);

describe('JSON and msgpack processor options', () => {
  it.each<[string, () => unknown]>([
    ['a misspelt JSON option', () => jsonProcessor({ sytle: 'compact' } as unknown as { style: JsonStyle })],
    ['a JSON option of another serializer', () => jsonLineProcessor({ refuseExtensions: true } as never)],
    ['an unknown largeIntegers', () => kplJsonProcessor({ largeIntegers: 'string' } as never)],
    ['null JSON options', () => jsonListProcessor(null as never)],
    ['a misspelt msgpack option', () => msgpackProcessor({ refuseExtension: true } as never)],
    ['msgpack options as an array', () => msgpackSerializer([] as never)],
  ])('refuses %s with an InvalidOptionError', (_case, create) => {
    expect(create).toThrow(InvalidOptionError);
  });

  it('names the known options when a name is unknown, without showing its value', () => {
    expect(() => jsonProcessor({ sytle: 'compact' } as never)).toThrow(
      'Invalid option "sytle": got "(not shown: unknown option)"; unknown option; did you mean "style"? known options are style, largeIntegers',
    );
    expect(() => msgpackProcessor({ refuseExtension: true } as never)).toThrow(
      'known options are refuseExtensions',
    );
  });
});
