import { exactIntegersSupported, parseWithLargeIntegers } from '../processors/serializers/exactIntegers.js';
import type { JsonSerializerOptions } from '../processors/serializers/JsonSerializerOptions.js';
import { pythonFloat } from '../processors/serializers/pythonJson.js';

/*
 * `put` and `tail` keep integers beyond 2^53 exact (64-bit ids): lines are read, and JSON records
 * written and read, with bigints for them, and printed with all their digits. On a runtime
 * without JSON source text access (before Node 22) they fall back to plain numbers.
 */

const EXACT = exactIntegersSupported();

/** The JSON processors' options for `put` and `tail`. */
export const EXACT_JSON_OPTIONS: JsonSerializerOptions = EXACT ? { largeIntegers: 'bigint' } : {};

/** JSON.parse of an input line, integers beyond 2^53 as bigints where the runtime allows. */
export function parseJsonExactly(text: string): unknown {
  return EXACT ? parseWithLargeIntegers(text) : JSON.parse(text);
}

interface RawJson {
  rawJSON?: (text: string) => unknown;
}

const rawJSON = (JSON as RawJson).rawJSON;

/**
 * What JSON.stringify should write for a bigint: its digits as a number (JSON.rawJSON, Node 22
 * and later), else its digits as a string.
 */
export function printedBigInt(value: bigint): unknown {
  return rawJSON === undefined ? value.toString() : rawJSON(value.toString());
}

/**
 * What JSON.stringify should write for a number: one beyond 2^53 (a float, where ints are
 * bigints) in a float's spelling (`1e+20`, which JSON.stringify writes as 100000000000000000000,
 * an int to any reader), where the runtime has JSON.rawJSON; else the number.
 */
export function printedNumber(value: number): unknown {
  if (rawJSON === undefined || Number.isSafeInteger(value) || !Number.isInteger(value)) return value;
  return rawJSON(pythonFloat(value));
}
