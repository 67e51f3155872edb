import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { unknownOptionError } from '../../errors/unknownOptionError.js';
import { exactIntegersSupported } from './exactIntegers.js';

/**
 * `python` (default): the bytes Python's `json.dumps(item)` writes (async-kinesis's
 * JsonSerializer): `{"a": 1, "b": "\u00e9"}`. `compact`: JSON.stringify output as UTF-8,
 * `{"a":1,"b":"é"}`. Both decode either form.
 */
export type JsonStyle = 'python' | 'compact';

/**
 * Integers beyond 2^53 (Number.MAX_SAFE_INTEGER). `number` (default): read as JSON.parse reads
 * them, rounded to the nearest double (`12345678901234567890` → 12345678901234567000), and a
 * bigint in an item is refused. `bigint`: an integer written with digits alone (as Python writes
 * an int) is read as the bigint of its digits, and a bigint is written as its digits; numbers
 * with a fraction or an exponent (as Python writes a float) stay numbers. A number beyond 2^53
 * is integral and is written as an int (its exact digits) either way, so it reads back as a
 * bigint, as Python reads it.
 */
export type JsonLargeIntegers = 'number' | 'bigint';

/** Options of jsonSerializer() and of the JSON processors. */
export interface JsonSerializerOptions {
  readonly style?: JsonStyle | undefined;
  readonly largeIntegers?: JsonLargeIntegers | undefined;
}

/** The checked options. */
export interface ResolvedJsonOptions {
  readonly python: boolean;
  readonly bigints: boolean;
}

const STYLES: readonly JsonStyle[] = ['python', 'compact'];
const LARGE_INTEGERS: readonly JsonLargeIntegers[] = ['number', 'bigint'];
const NAMES: readonly string[] = ['style', 'largeIntegers'];

/** Checks the options of a JSON serializer. Throws InvalidOptionError. */
export function resolveJsonOptions(options: JsonSerializerOptions): ResolvedJsonOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, "expected an object such as { style: 'compact' }");
  }
  for (const name of Object.keys(options)) {
    if (!NAMES.includes(name)) throw unknownOptionError(name, NAMES);
  }
  const style = options.style ?? 'python';
  if (!STYLES.includes(style)) {
    throw new InvalidOptionError('style', style, 'the JSON style must be "python" or "compact"');
  }
  const largeIntegers = options.largeIntegers ?? 'number';
  if (!LARGE_INTEGERS.includes(largeIntegers)) {
    throw new InvalidOptionError('largeIntegers', largeIntegers, 'expected "number" or "bigint"');
  }
  const bigints = largeIntegers === 'bigint';
  if (bigints && !exactIntegersSupported()) {
    throw new InvalidOptionError(
      'largeIntegers',
      largeIntegers,
      "'bigint' needs a runtime whose JSON.parse gives revivers the source text (Node 22 and later)",
    );
  }
  return { python: style === 'python', bigints };
}
