/*
 * Integers beyond 2^53 in JSON, read and written exactly as bigints (the `largeIntegers: 'bigint'`
 * option of the JSON processors). Python's json writes its ints with all their digits
 * (`12345678901234567890`) and its floats with a fraction or an exponent (`1e+20`, `1.0`);
 * JSON.parse reads both as numbers and rounds the ints beyond 2^53. With the option, an integer
 * token (digits alone, no fraction or exponent) beyond Number.MAX_SAFE_INTEGER is read as the
 * bigint of its digits, and a bigint is written as its digits, as Python writes an int. A number
 * beyond 2^53 (JavaScript's doubles there are all integral) is then written as Python writes a
 * float (`1e+20`), so that it reads back as a number, here and in Python.
 *
 * Reading needs JSON.parse to give its reviver each value's source text (Node 22 and later, and
 * current browsers). Writing marks each bigint as a string JSON.stringify can write, holding a
 * random part drawn for the item (so no string of the item is taken for a mark), and puts the
 * digits in the marks' place once the text is final: the Python spacing pass re-spells long
 * digit runs and exponents as ints (for the doubles JSON.stringify pads with zeros), which would
 * round a bigint's digits and turn a float into an int. Numbers beyond 2^53 are marked too.
 */
import { describeThrown } from '../../errors/describeThrown.js';
import { SerializationError } from '../errors/SerializationError.js';
import { freshNonce } from './freshNonce.js';
import { pythonFloat } from './pythonJson.js';

/** What a JSON.parse reviver is given as its third argument where the runtime has it. */
interface ReviverContext {
  readonly source?: string;
}

const INTEGER_TOKEN = /^-?(?:0|[1-9][0-9]*)$/;
/**
 * Sixteen digits in a row: every integer beyond 2^53 (9007199254740992, 16 digits) has them. A
 * text without them holds no such integer, so JSON.parse reads it without a reviver.
 */
const LONG_DIGIT_RUN = /[0-9]{16}/;

/** Whether this runtime gives JSON.parse revivers the source text. */
export function exactIntegersSupported(): boolean {
  let source: string | undefined;
  try {
    JSON.parse('12', (_key: string, value: unknown, context?: ReviverContext) => {
      source = context?.source;
      return value;
    });
  } catch {
    return false;
  }
  return source === '12';
}

/**
 * A reviver that turns an integer token beyond Number.MAX_SAFE_INTEGER into the bigint of its
 * digits, leaving every other value as JSON.parse made it (floats with a fraction or an exponent
 * stay numbers, however large).
 */
export function reviveLargeInteger(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && INTEGER_TOKEN.test(source) ? BigInt(source) : value;
}

/** Whether a JSON text may hold an integer beyond 2^53 (see LONG_DIGIT_RUN). */
export function mayHoldLargeInteger(text: string): boolean {
  return LONG_DIGIT_RUN.test(text);
}

/**
 * Whether JSON bytes may hold an integer beyond 2^53 (the one-pass Python writer spells a
 * number beyond 2^53 with all its digits, 16 or more).
 */
export function mayHoldLargeIntegerBytes(bytes: Uint8Array): boolean {
  let run = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const c = bytes[i] as number;
    if (c >= 0x30 && c <= 0x39) {
      run += 1;
      if (run === 16) return true;
    } else run = 0;
  }
  return false;
}

/**
 * Whether JSON.stringify's text may hold a number beyond 2^53: 16 digits in a row, or an
 * exponent with a plus sign (JSON.stringify writes one from 1e21).
 */
const WIDE_NUMBER = /[0-9]{16}|e\+/;

/** JSON.parse that reads integer tokens beyond 2^53 as bigints. Throws what JSON.parse throws. */
export function parseWithLargeIntegers(text: string): unknown {
  return mayHoldLargeInteger(text) ? JSON.parse(text, reviveLargeInteger) : JSON.parse(text);
}

/**
 * The compact JSON text of an item that may hold bigints, each written as its digits. `respace`
 * turns the compact text into the final one (the Python spacing) before the digits go in.
 * Throws a SerializationError for what JSON cannot hold (a cycle, a throwing toJSON...).
 */
export function stringifyWithBigInts(item: unknown, respace: (compact: string) => string): string {
  let plain: string | undefined;
  try {
    plain = JSON.stringify(item);
  } catch {
    // A bigint, or what the marked stringify below refuses again (its error is the one kept).
  }
  if (plain !== undefined && !WIDE_NUMBER.test(plain)) return respace(plain);
  const mark = `rxjs-kinesis:${freshNonce()}:`;
  let marked: string | undefined;
  try {
    marked = JSON.stringify(item, (_key: string, value: unknown) => {
      if (typeof value === 'bigint') return `${mark}${value.toString()}`;
      if (
        typeof value === 'number' &&
        Number.isFinite(value) &&
        !Number.isSafeInteger(value) &&
        Number.isInteger(value)
      ) {
        return `${mark}${pythonFloat(value)}`;
      }
      return value;
    });
  } catch (error) {
    throw new SerializationError('json', `cannot serialize item: ${describeThrown(error)}`, { cause: error });
  }
  if (marked === undefined) {
    throw new SerializationError('json', `${typeof item} has no JSON representation`);
  }
  const text = respace(marked);
  return text.includes(mark) ? text.replace(new RegExp(`"${mark}(-?[0-9][0-9.e+]*)"`, 'g'), '$1') : text;
}
