// Case: an item nested 100,000 levels deep. JSON.parse reads it, but the parse with a reviver
// (Python's NaN/Infinity tokens, integers beyond 2^53 read as bigints) recurses and runs out of
// stack: a valid item was then refused as "not valid JSON: Unexpected token 'N'" (or
// "...: Maximum call stack size exceeded"), sending whoever read the dead letter after a syntax
// error that is not there. The error now says the item is nested too deeply to read.
import { jsonProcessor } from '../../../src/processors/namedProcessors.js';
import { DeserializationError } from '../../../src/processors/errors/DeserializationError.js';
import { exactIntegersSupported } from '../../../src/processors/serializers/exactIntegers.js';

const DEPTH = 100_000;
const nested = (inner: string): Buffer => Buffer.from(`${'['.repeat(DEPTH)}${inner}${']'.repeat(DEPTH)}`);
const TOO_DEEP = 'json: item is nested too deeply to read (Maximum call stack size exceeded)';

function failure(read: () => unknown): Error {
  try {
    read();
  } catch (error) {
    return error as Error;
  }
  throw new Error('read');
}

test('a deeply nested item holding a Python token fails as too deep, not as a syntax error', () => {
  const { serializer } = jsonProcessor();
  const error = failure(() => serializer.deserialize(nested('NaN')));
  expect(error).toBeInstanceOf(DeserializationError);
  expect(error.message).toBe(TOO_DEEP);
  // Shallow, the token reads; deep without a token, JSON.parse reads it.
  expect(serializer.deserialize(Buffer.from('[[NaN]]'))).toEqual([[Number.NaN]]);
  expect(() => serializer.deserialize(nested('1'))).not.toThrow();
  // A deeply nested item that is not JSON is still named for what is wrong with it.
  expect(failure(() => serializer.deserialize(nested('NaN,}'))).message).toMatch(
    /^json: item is not valid JSON: Unexpected token/,
  );
});

(exactIntegersSupported() ? test : test.skip)(
  'largeIntegers bigint: a deeply nested item holding an integer beyond 2^53 fails as too deep',
  () => {
    const { serializer } = jsonProcessor({ largeIntegers: 'bigint' });
    const error = failure(() => serializer.deserialize(nested('12345678901234567890')));
    expect(error).toBeInstanceOf(DeserializationError);
    expect(error.message).toBe(TOO_DEEP);
    expect(serializer.deserialize(Buffer.from('[[12345678901234567890]]'))).toEqual([
      [12345678901234567890n],
    ]);
  },
);
