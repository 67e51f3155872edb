import { createHash } from 'node:crypto';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import {
  MAX_HASH_KEY,
  parseExplicitHashKey,
  loneSurrogateAt,
  partitionKeyLength,
  partitionKeyToHashKey,
  recordHashKey,
  validateExplicitHashKey,
  validatePartitionKey,
} from '../../src/kinesis/hashKey.js';

const TWO_128 = 2n ** 128n;

describe('partitionKeyToHashKey', () => {
  // Digests computed outside Node: `printf %s KEY | md5sum`, converted to decimal.
  it.each([
    ['a', 16955237001963240173058271559858726497n],
    ['partition-key-1', 33365116028791453877729010807000998774n],
    ['héllo', 252973414135665226741597071662034525008n],
    ['😀', 55842721998748738903166261021950683062n],
  ])('matches the md5sum vector for %j', (key, expected) => {
    expect(partitionKeyToHashKey(key)).toBe(expected);
  });

  it('matches an independent MD5 for many keys, always within 0..2^128-1', () => {
    for (let i = 0; i < 500; i += 1) {
      const key = `key-${i}-${'é'.repeat(i % 7)}`;
      const hex = createHash('md5').update(Buffer.from(key, 'utf8')).digest('hex');
      const expected = BigInt(`0x${hex}`);
      const actual = partitionKeyToHashKey(key);
      expect(actual).toBe(expected);
      expect(actual >= 0n && actual <= MAX_HASH_KEY).toBe(true);
    }
  });

  it('MAX_HASH_KEY is 2^128 - 1', () => {
    expect(MAX_HASH_KEY).toBe(TWO_128 - 1n);
  });
});

describe('parseExplicitHashKey', () => {
  it('accepts 0 and 2^128-1', () => {
    expect(parseExplicitHashKey('0')).toBe(0n);
    expect(parseExplicitHashKey((TWO_128 - 1n).toString())).toBe(TWO_128 - 1n);
    expect(parseExplicitHashKey('123')).toBe(123n);
  });

  it.each([
    ['2^128', TWO_128.toString()],
    ['-1', '-1'],
    ['1.5', '1.5'],
    ['empty', ''],
    ['leading +', '+1'],
    ['hex', '0x10'],
    ['spaces', ' 1'],
    ['exponent', '1e3'],
    ['40 digits', '1'.repeat(40)],
    ['leading zeros (Kinesis refuses them)', '000123'],
    ['a leading zero', '01'],
    ['39 digits with a leading zero', `0${'1'.repeat(38)}`],
  ])('rejects %s', (_label, value) => {
    expect(() => parseExplicitHashKey(value)).toThrow(InvalidOptionError);
  });

  it.each([[1], [1n], [null], [undefined], [{}]])('rejects the non-string %p', (value) => {
    expect(() => parseExplicitHashKey(value)).toThrow(InvalidOptionError);
  });

  it('recordHashKey prefers the explicit hash key', () => {
    expect(recordHashKey('a', '5')).toBe(5n);
    expect(recordHashKey('a')).toBe(partitionKeyToHashKey('a'));
  });
});

describe('validateExplicitHashKey (no bigint made)', () => {
  it.each([
    '0',
    '123',
    (TWO_128 - 1n).toString(),
    (TWO_128 - 2n).toString(),
    (TWO_128 / 10n).toString(),
    '9'.repeat(38),
    `1${'9'.repeat(38)}`,
  ])('accepts %s as parseExplicitHashKey does', (value) => {
    expect(parseExplicitHashKey(value).toString()).toBe(value);
    expect(validateExplicitHashKey(value)).toBe(value);
  });

  it.each([
    TWO_128.toString(),
    (TWO_128 + 1n).toString(),
    '9'.repeat(39),
    `4${'0'.repeat(38)}`,
    '1'.repeat(40),
    '-1',
    '',
    '01',
    ' 1',
    1,
    undefined,
  ])('refuses %p with the InvalidOptionError of parseExplicitHashKey', (value) => {
    expect(() => validateExplicitHashKey(value, 'x')).toThrow(InvalidOptionError);
    let refused: unknown;
    try {
      parseExplicitHashKey(value, 'x');
    } catch (error) {
      refused = error;
    }
    expect(() => validateExplicitHashKey(value, 'x')).toThrow((refused as Error).message);
  });
});

describe('validatePartitionKey', () => {
  it('accepts 1 and 256 characters', () => {
    expect(validatePartitionKey('k')).toBe('k');
    expect(validatePartitionKey('k'.repeat(256))).toHaveLength(256);
  });

  it('rejects 0 and 257 characters and non-strings', () => {
    expect(() => validatePartitionKey('')).toThrow(InvalidOptionError);
    expect(() => validatePartitionKey('k'.repeat(257))).toThrow(InvalidOptionError);
    expect(() => validatePartitionKey(5)).toThrow(InvalidOptionError);
    expect(() => validatePartitionKey(undefined)).toThrow(InvalidOptionError);
  });

  it('refuses lone surrogates, whose UTF-8 bytes (and so shard) are not defined', () => {
    expect(validatePartitionKey('a😀b')).toBe('a😀b');
    expect(() => validatePartitionKey('a\uD800')).toThrow(/lone surrogate \\ud800 at position 1/);
    expect(() => validatePartitionKey('\uDC00a')).toThrow(/lone surrogate \\udc00 at position 0/);
    expect(() => validatePartitionKey('a\uD800b')).toThrow(InvalidOptionError);
    expect(() => validatePartitionKey('\uDE00\uD83D')).toThrow(/position 0/);
    expect(() => validatePartitionKey('😀\uD83D', 'partitionKey')).toThrow(/position 2/);
    expect(loneSurrogateAt('😀😀')).toBe(-1);
    expect(loneSurrogateAt('x'.repeat(10))).toBe(-1);
    expect(loneSurrogateAt('\uD83D\uD83D\uDE00')).toBe(0);
  });

  it('counts UTF-16 code units, as Kinesis does (an emoji counts 2)', () => {
    const emoji = '😀'.repeat(128); // 256 UTF-16 units, 128 code points
    expect(partitionKeyLength(emoji)).toBe(256);
    expect(validatePartitionKey(emoji)).toBe(emoji);
    expect(() => validatePartitionKey(`${emoji}a`)).toThrow(/257/);
    expect(() => validatePartitionKey('😀'.repeat(256))).toThrow(/512/);
    expect(partitionKeyLength('é')).toBe(1);
  });
});
