import { Packr } from 'msgpackr';
import { msgpackSerializer } from '../../../src/processors/serializers/msgpackSerializer';
import {
  mapKeyKinds,
  OTHER_KEY,
  PROTO_KEY,
  STRING_KEYS,
} from '../../../src/processors/serializers/msgpackMapKeys';
import { DeserializationError } from '../../../src/processors/errors/DeserializationError';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError';
import { kplMsgpackProcessor, msgpackProcessor } from '../../../src/processors/namedProcessors';
import type { Serializer } from '../../../src/processors/Serializer';

/*
 * Maps whose keys are not all strings, as Python's msgpack writes them (async-kinesis's
 * MsgpackSerializer: `msgpack.packb(item, use_bin_type=True)`): read losslessly with
 * `maps: 'map'` (every map a Map) or `maps: 'auto'` (a Map where a plain object would lose a key),
 * and written back as the bytes Python wrote. Every hex string below is what Python's msgpack
 * 1.0.3 writes for the Python expression beside it.
 */
const PYTHON: Record<string, [string, string]> = {
  int: ["{1: 'a'}", '8101a161'],
  intAndString: ["{1: 'a', '1': 'b'}", '8201a161a131a162'],
  bool: ["{True: 1, 'true': 2}", '82c301a47472756502'],
  nil: ["{None: 1, 'null': 2}", '82c001a46e756c6c02'],
  tuple: ["{(1, 2): 'x'}", '81920102a178'],
  nestedTuple: ["{((1, 'a'), None): [1, {2: 3}]}", '81929201a161c09201810203'],
  nested: [
    "{'outer': {1: {2: 'x'}}, 'list': [{3: None}], 's': {'k': 1}}",
    '83a56f7574657281018102a178a46c697374918103c0a17381a16b01',
  ],
  mixed: [
    "{1: 'a', 'b': 2, -1: True, False: None, 2**40: 'big', -2**40: 'neg', 1.5: 'f', b'\\x01': 'bin', 'c': [1, {0: 0}]}",
    '8901a161a16202ffc3c2c0cf0000010000000000a3626967d3ffffff0000000000a36e6567cb3ff8000000000000a166c40101a362696ea1639201810000',
  ],
  sixteen: [
    '{i: -i for i in range(16)}',
    'de0010000001ff02fe03fd04fc05fb06fa07f908f809f70af60bf50cf40df30ef20ff1',
  ],
  integerSizes: [
    '{-2**40: 0, 2**32: 1, 255: 2, -33: 3}',
    '84d3ffffff000000000000cf000000010000000001ccff02d0df03',
  ],
  longKey: ["{'k' * 40: 1, 2: 'v'}", '82d928' + '6b'.repeat(40) + '0102a176'],
  proto: ["{'__proto__': 1, 'x': {5: 6}}", '82a95f5f70726f746f5f5f01a178810506'],
  timestamp: ["{msgpack.Timestamp(1, 0): 'x'}", '81d6ff00000001a178'],
};

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytesOf = (name: string): Buffer => Buffer.from((PYTHON[name] as [string, string])[1], 'hex');

// Made in each test, so that each test fails on its own where the option is unknown.
let asMaps: Serializer<unknown>;
let auto: Serializer<unknown>;
const byDefault = msgpackSerializer<unknown>();

describe("msgpack maps: 'map'", () => {
  beforeEach(() => {
    asMaps = msgpackSerializer<unknown>({ maps: 'map' });
  });

  it.each(Object.keys(PYTHON))('reads Python %s and writes back the bytes Python wrote', (name) => {
    const bytes = bytesOf(name);
    expect(hex(asMaps.serialize(asMaps.deserialize(bytes)))).toBe(hex(bytes));
  });

  it('keeps each key with its type and in its order', () => {
    expect(asMaps.deserialize(bytesOf('intAndString'))).toEqual(
      new Map<unknown, string>([
        [1, 'a'],
        ['1', 'b'],
      ]),
    );
    const bool = asMaps.deserialize(bytesOf('bool')) as Map<unknown, unknown>;
    expect([...bool.keys()]).toEqual([true, 'true']);
    const nil = asMaps.deserialize(bytesOf('nil')) as Map<unknown, unknown>;
    expect([...nil.keys()]).toEqual([null, 'null']);
    const mixed = asMaps.deserialize(bytesOf('mixed')) as Map<unknown, unknown>;
    expect([...mixed.keys()]).toEqual([1, 'b', -1, false, 2 ** 40, -(2 ** 40), 1.5, Buffer.from([1]), 'c']);
    expect(mixed.get('c')).toEqual([1, new Map([[0, 0]])]);
  });

  it('reads a tuple key as an array key, and maps in values as Maps', () => {
    const tuple = asMaps.deserialize(bytesOf('tuple')) as Map<unknown, unknown>;
    expect([...tuple]).toEqual([[[1, 2], 'x']]);
    const nested = asMaps.deserialize(bytesOf('nested')) as Map<string, unknown>;
    expect(nested.get('outer')).toEqual(new Map([[1, new Map([[2, 'x']])]]));
    expect(nested.get('list')).toEqual([new Map([[3, null]])]);
    expect(nested.get('s')).toEqual(new Map([['k', 1]]));
  });

  it('keeps a key __proto__ as it is, touching no prototype', () => {
    const read = asMaps.deserialize(bytesOf('proto')) as Map<string, unknown>;
    expect(read.get('__proto__')).toBe(1);
    expect(Object.getPrototypeOf(read)).toBe(Map.prototype);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('reads a timestamp key as a Date, bytes as a Buffer, an integer beyond 2^53 as a bigint', () => {
    const timestamp = asMaps.deserialize(bytesOf('timestamp')) as Map<unknown, unknown>;
    expect([...timestamp.keys()]).toEqual([new Date(1000)]);
    const big = asMaps.deserialize(Buffer.from('81cf100000000000000001', 'hex')) as Map<unknown, unknown>;
    expect([...big.keys()]).toEqual([2n ** 60n]);
    // Written back as Python wrote it: uint64.
    expect(hex(asMaps.serialize(big))).toBe('81cf100000000000000001');
  });

  it('still refuses the never-used byte 0xC1 as a key', () => {
    expect(() => asMaps.deserialize(Uint8Array.from([0x81, 0xc1, 0x01]))).toThrow(DeserializationError);
    const read = msgpackSerializer<unknown>({ maps: 'auto' }).deserialize;
    expect(() => read(Uint8Array.from([0x81, 0xc1, 0x01]))).toThrow(DeserializationError);
  });

  it('refuses extensions with refuseExtensions as by default, a timestamp key read', () => {
    const strict = msgpackSerializer<unknown>({ maps: 'map', refuseExtensions: true });
    expect(strict.deserialize(bytesOf('timestamp'))).toEqual(new Map([[new Date(1000), 'x']]));
    expect(() => strict.deserialize(Uint8Array.from([0x81, 0xd4, 0x00, 0x00, 0x01]))).toThrow(
      'extension type 0',
    );
  });
});

describe("msgpack maps: 'auto'", () => {
  beforeEach(() => {
    auto = msgpackSerializer<unknown>({ maps: 'auto' });
  });

  it.each(Object.keys(PYTHON))('reads Python %s and writes back the bytes Python wrote', (name) => {
    const bytes = bytesOf(name);
    expect(hex(auto.serialize(auto.deserialize(bytes)))).toBe(hex(bytes));
  });

  it('makes a plain object of each map whose keys are all strings, a Map of the others', () => {
    const nested = auto.deserialize(bytesOf('nested')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
    expect(nested['outer']).toEqual(new Map([[1, new Map([[2, 'x']])]]));
    expect(nested['list']).toEqual([new Map([[3, null]])]);
    expect(nested['s']).toEqual({ k: 1 });
    expect(Object.getPrototypeOf(nested['s'])).toBe(Object.prototype);
    expect(auto.deserialize(bytesOf('intAndString'))).toEqual(
      new Map<unknown, string>([
        [1, 'a'],
        ['1', 'b'],
      ]),
    );
    const proto = auto.deserialize(bytesOf('proto')) as Map<string, unknown>;
    expect(proto).toBeInstanceOf(Map);
    expect(proto.get('__proto__')).toBe(1);
    expect(proto.get('x')).toEqual(new Map([[5, 6]]));
  });

  it('reads items whose keys are all strings exactly as by default', () => {
    const packr = new Packr({ useRecords: false, variableMapSize: true });
    const item = {
      id: 7,
      user: 'user-7',
      nested: { a: [1, { b: null, c: 'é' }], '12': true, __proto_: 1 },
      when: new Date(5),
      bytes: Uint8Array.from([0x81, 0x01]),
      big: 2n ** 62n,
    };
    const bytes = packr.pack(item);
    const read = auto.deserialize(bytes);
    expect(read).toEqual(byDefault.deserialize(bytes));
    expect(Object.getPrototypeOf((read as { nested: object }).nested)).toBe(Object.prototype);
  });

  it('makes objects of string-keyed maps under a map that stays a Map, keys included', () => {
    const packr = new Packr({ useRecords: false, variableMapSize: true });
    const key = new Map([['a', 1]]);
    const bytes = packr.pack(new Map<unknown, unknown>([[key, [new Map([['b', 2]])]]]));
    const read = auto.deserialize(bytes) as Map<unknown, unknown>;
    expect([...read]).toEqual([[{ a: 1 }, [{ b: 2 }]]]);
  });

  it('reads a key __proto__ under a map of string keys as a Map of its own', () => {
    // {'a': {'__proto__': {'polluted': 1}}}
    const bytes = Buffer.from('81a161' + '81a95f5f70726f746f5f5f' + '81a8706f6c6c7574656401', 'hex');
    const read = auto.deserialize(bytes) as { a: Map<string, unknown> };
    expect(read.a).toBeInstanceOf(Map);
    expect(read.a.get('__proto__')).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(hex(auto.serialize(read))).toBe(hex(bytes));
  });
});

describe("msgpack maps: 'object' (the default)", () => {
  it('reads keys that are not strings as strings, and keeps the last of keys that read alike', () => {
    expect(byDefault.deserialize(bytesOf('int'))).toEqual({ '1': 'a' });
    expect(byDefault.deserialize(bytesOf('intAndString'))).toEqual({ '1': 'b' });
    expect(byDefault.deserialize(bytesOf('bool'))).toEqual({ true: 2 });
    expect(byDefault.deserialize(bytesOf('nil'))).toEqual({ null: 2 });
    // So a key 1 is written back as the str '1'.
    expect(hex(byDefault.serialize(byDefault.deserialize(bytesOf('int'))))).toBe('81a131a161');
  });

  it.each(['tuple', 'nestedTuple', 'timestamp', 'mixed'])(
    'fails Python %s with a DeserializationError that names the option reading it',
    (name) => {
      const read = () => byDefault.deserialize(bytesOf(name));
      expect(read).toThrow(DeserializationError);
      expect(read).toThrow("is read with the option maps: 'map' or 'auto'");
      // msgpackr's advice names its own option, which users of this serializer cannot set.
      expect(read).not.toThrow('mapsAsObjects');
      expect(msgpackSerializer({ maps: 'object' }).deserialize.bind(undefined, bytesOf(name))).toThrow(
        "maps: 'map' or 'auto'",
      );
    },
  );

  it('names no option for an item that is not valid MessagePack', () => {
    const cut = bytesOf('nested').subarray(0, 10);
    expect(() => byDefault.deserialize(cut)).toThrow('not valid MessagePack');
    expect(() => byDefault.deserialize(cut)).not.toThrow('maps:');
  });
});

describe('msgpack maps: every mode', () => {
  it.each(['object', 'map', 'auto'] as const)(
    '%s: fails every item cut short with a DeserializationError',
    (maps) => {
      const serializer = msgpackSerializer<unknown>({ maps });
      for (const name of ['mixed', 'nestedTuple', 'longKey', 'sixteen']) {
        const bytes = bytesOf(name);
        for (let length = 0; length < bytes.length; length += 1) {
          expect(() => serializer.deserialize(bytes.subarray(0, length))).toThrow(DeserializationError);
        }
      }
    },
  );
});

describe('the maps option', () => {
  it('is refused when it is not one of the three', () => {
    for (const maps of ['Map', true, null, 1]) {
      expect(() => msgpackSerializer({ maps: maps as 'map' })).toThrow(InvalidOptionError);
      expect(() => msgpackSerializer({ maps: maps as 'map' })).toThrow("expected 'object', 'map' or 'auto'");
    }
    expect(() => msgpackSerializer({ map: 'map' } as object)).toThrow(
      'known options are refuseExtensions, maps',
    );
  });

  it('reaches the serializer of msgpackProcessor() and kplMsgpackProcessor()', () => {
    for (const processor of [msgpackProcessor({ maps: 'map' }), kplMsgpackProcessor({ maps: 'auto' })]) {
      expect(processor.serializer.deserialize(bytesOf('tuple'))).toEqual(new Map([[[1, 2], 'x']]));
    }
    expect(() => kplMsgpackProcessor({ maps: 'maps' as 'map' })).toThrow(InvalidOptionError);
  });
});

describe('mapKeyKinds', () => {
  it.each([
    ['a scalar', '01', STRING_KEYS],
    ['string keys, nested', '82a16181a16292a163a164a165c0', STRING_KEYS],
    ['an int key inside an array inside a map', '81a1619181' + '01c0', OTHER_KEY],
    ['an int key after a bin that holds map and str bytes', '82a162c40381a16101c0', OTHER_KEY],
    ['a str 8 key', '81d9036b6b6b01', STRING_KEYS],
    ['a str 16 key', '81da00036b6b6b01', STRING_KEYS],
    ['a map 16', 'de0001a16101', STRING_KEYS],
    ['a map 16 with an int key', 'de00010101', OTHER_KEY],
    ['an array 16 holding a map with a nil key', 'dc000181c001', OTHER_KEY],
    ['a key __proto__', '81a95f5f70726f746f5f5f01', PROTO_KEY],
    ['a value __proto__', '81a161a95f5f70726f746f5f5f', STRING_KEYS],
    ['a key __proto__ then an int key', '82a95f5f70726f746f5f5f0101c0', OTHER_KEY],
    ['a timestamp value and an ext 8 value', '82a161d6ff00000001a162c702010203', STRING_KEYS],
    [
      'a map value after 64-bit numbers',
      '82a161cf0000000000000001a16292cb3ff000000000000081a16301',
      STRING_KEYS,
    ],
    ['a map 16 counting more entries than bytes left', 'de0010a16101', OTHER_KEY],
    ['a map cut short', '82a16101', OTHER_KEY],
    ['string keys after nested values', '83a1619101a16281a16302a16403', STRING_KEYS],
    ['an int key after a nested map, in a map', '82a16181a1620103c0', OTHER_KEY],
    ['an int key in a map after a map of arrays, in an array', '9281a161920102810102', OTHER_KEY],
    [
      'a key __proto__ deep inside, then a str key outside',
      '82a1619181a95f5f70726f746f5f5fc0a16201',
      PROTO_KEY,
    ],
  ])('%s', (_name, bytes, kinds) => {
    expect(mapKeyKinds(Buffer.from(bytes, 'hex'))).toBe(kinds);
  });

  it('agrees with a reading as Maps on items msgpackr packs', () => {
    const packr = new Packr({ useRecords: false, variableMapSize: true });
    const items: unknown[] = [
      { a: [1, 2, { b: 'x'.repeat(300) }], c: new Uint8Array(70_000).fill(0x81) },
      new Map<unknown, unknown>([['a', new Map([[1, 2]])]]),
      [new Map([['__proto__', 1]]), { d: -1.5 }],
      Array.from({ length: 20 }, (_, i) => ({ [`k${i}`]: i })),
    ];
    const expected = [STRING_KEYS, OTHER_KEY, PROTO_KEY, STRING_KEYS];
    items.forEach((item, k) => expect(mapKeyKinds(packr.pack(item))).toBe(expected[k]));
  });

  it('agrees with the keys of random nested items msgpackr packs', () => {
    const packr = new Packr({ useRecords: false, variableMapSize: true });
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const scalars: unknown[] = [
      0,
      -1,
      300,
      2 ** 40,
      1.5,
      'k',
      'x'.repeat(40),
      '__proto__',
      true,
      null,
      new Date(0),
    ];
    const keys: unknown[] = [
      'a',
      'b'.repeat(300),
      '__proto__',
      1,
      -70,
      2 ** 33,
      false,
      null,
      Uint8Array.of(0x81),
    ];
    // Each item's keys from the first 2, 3 or all of these (string keys alone, then with __proto__, then any).
    let keyCount = keys.length;
    const make = (depth: number): [unknown, number] => {
      const pick = depth > 3 ? 0 : random(3);
      if (pick === 0) return [scalars[random(scalars.length)], STRING_KEYS];
      const entries = Array.from({ length: random(20) }, () => make(depth + 1));
      let kinds = Math.max(STRING_KEYS, ...entries.map(([, k]) => k));
      if (pick === 1) return [entries.map(([value]) => value), kinds];
      const map = new Map<unknown, unknown>();
      for (const [value] of entries) {
        const key = keys[random(keyCount)];
        map.set(key, value);
        if (typeof key !== 'string') kinds = OTHER_KEY;
        else if (key === '__proto__') kinds = Math.max(kinds, PROTO_KEY);
      }
      return [map, kinds];
    };
    const seen = [0, 0, 0];
    for (let n = 0; n < 600; n += 1) {
      keyCount = [2, 3, keys.length][n % 3] as number;
      const [item, kinds] = make(0);
      expect(mapKeyKinds(packr.pack(item))).toBe(kinds);
      seen[kinds] += 1;
    }
    // Every answer is met often.
    expect(Math.min(...seen)).toBeGreaterThan(50);
  });
});
