import { converted, isDropped } from '../../../src/processors/serializers/jsonStringifyConversion';

describe('converted', () => {
  it('calls toJSON with the key, as a string for array indexes, and keeps other values', () => {
    const keys: unknown[] = [];
    const value = {
      toJSON(key: unknown) {
        keys.push(key);
        return 'converted';
      },
    };
    expect(converted(value, 'k')).toBe('converted');
    expect(converted(value, 3)).toBe('converted');
    expect(keys).toEqual(['k', '3']);
    expect(converted(new Date(0), '')).toBe('1970-01-01T00:00:00.000Z');
    const plain = { a: 1 };
    expect(converted(plain, '')).toBe(plain);
    expect(converted(null, '')).toBeNull();
    expect(converted('text', '')).toBe('text');
  });

  it('uses a toJSON of a bigint (from its prototype), as JSON.stringify does', () => {
    const proto = BigInt.prototype as unknown as { toJSON?: () => string };
    proto.toJSON = function (this: bigint) {
      return `${this.toString()}n`;
    };
    try {
      expect(converted(10n, '')).toBe('10n');
    } finally {
      delete proto.toJSON;
    }
    expect(converted(10n, '')).toBe(10n);
  });
});

describe('isDropped', () => {
  it('is true for what JSON.stringify leaves out of objects', () => {
    expect([undefined, () => 1, Symbol('s')].map(isDropped)).toEqual([true, true, true]);
    expect([null, 0, '', false, {}, []].map(isDropped)).toEqual([false, false, false, false, false, false]);
  });
});
