import { createHash } from '../platform/crypto.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/** Largest hash key of a Kinesis stream: 2^128 - 1. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;
export const MIN_PARTITION_KEY_LENGTH = 1;
export const MAX_PARTITION_KEY_LENGTH = 256;

/** The 128-bit hash key Kinesis derives from a partition key: MD5 of its UTF-8 bytes, big-endian. */
export function partitionKeyToHashKey(partitionKey: string): bigint {
  const digest = createHash('md5').update(partitionKey, 'utf8').digest();
  return BigInt(`0x${digest.toString('hex')}`);
}

/**
 * Length of a partition key as Kinesis counts it: UTF-16 code units (a character outside the
 * Basic Multilingual Plane, such as an emoji, counts 2), as JavaScript's `length` does.
 */
export function partitionKeyLength(partitionKey: string): number {
  return partitionKey.length;
}

/**
 * Throws InvalidOptionError unless `partitionKey` is a string of 1–256 UTF-16 code units, the
 * length Kinesis checks (an emoji counts 2), with no lone surrogate (see loneSurrogateAt).
 */
export function validatePartitionKey(partitionKey: unknown, option = 'partitionKey'): string {
  if (typeof partitionKey !== 'string') {
    throw new InvalidOptionError(
      option,
      partitionKey,
      'a partition key must be a string of 1 to 256 characters',
    );
  }
  const length = partitionKeyLength(partitionKey);
  if (length < MIN_PARTITION_KEY_LENGTH || length > MAX_PARTITION_KEY_LENGTH) {
    throw new InvalidOptionError(
      option,
      partitionKey,
      `a partition key must have 1 to 256 UTF-16 code units (an emoji counts 2), this one has ${length}`,
    );
  }
  const lone = loneSurrogateAt(partitionKey);
  if (lone !== -1) {
    const unit = partitionKey.charCodeAt(lone).toString(16);
    throw new InvalidOptionError(
      option,
      partitionKey,
      `a partition key must be well-formed Unicode: the lone surrogate \\u${unit} at position ${lone} has no ` +
        'UTF-8 form, so the shard Kinesis hashes the key to cannot be known',
    );
  }
  return partitionKey;
}

/**
 * Position of the first UTF-16 surrogate that is not half of a pair, or -1. Kinesis hashes a
 * key's UTF-8 bytes, and a lone surrogate has none: encoders replace it (U+FFFD, or "?") while
 * the request's JSON carries it escaped, so which shard such a key maps to is not defined.
 */
export function loneSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
    }
    return i;
  }
  return -1;
}

/** The form Kinesis accepts: `0|([1-9]\d{0,38})`. */
const EXPLICIT_HASH_KEY_PATTERN = /^(?:0|[1-9][0-9]{0,38})$/;

/**
 * Parses and validates an ExplicitHashKey as Kinesis does: a decimal integer string without
 * leading zeros, in 0 … 2^128−1. Returns it as a bigint.
 */
export function parseExplicitHashKey(explicitHashKey: unknown, option = 'explicitHashKey'): bigint {
  const allowed =
    'an ExplicitHashKey must be a decimal integer string without leading zeros from 0 to 2^128-1';
  if (typeof explicitHashKey !== 'string' || !EXPLICIT_HASH_KEY_PATTERN.test(explicitHashKey)) {
    throw new InvalidOptionError(option, explicitHashKey, allowed);
  }
  const value = BigInt(explicitHashKey);
  if (value > MAX_HASH_KEY) throw new InvalidOptionError(option, explicitHashKey, allowed);
  return value;
}

/** 2^128−1 in decimal: a key of as many digits is in range when it compares no greater as text. */
const MAX_HASH_KEY_DECIMAL = MAX_HASH_KEY.toString();

/**
 * Throws the InvalidOptionError of parseExplicitHashKey for a key Kinesis would refuse, without
 * making a bigint of a valid one (the check of a KPL record's keys, one per item when each item
 * has its own key).
 */
export function validateExplicitHashKey(explicitHashKey: unknown, option = 'explicitHashKey'): string {
  if (
    typeof explicitHashKey === 'string' &&
    EXPLICIT_HASH_KEY_PATTERN.test(explicitHashKey) &&
    (explicitHashKey.length < MAX_HASH_KEY_DECIMAL.length || explicitHashKey <= MAX_HASH_KEY_DECIMAL)
  )
    return explicitHashKey;
  parseExplicitHashKey(explicitHashKey, option);
  return explicitHashKey as string; // not reached: parseExplicitHashKey threw
}

/** The hash key a record is routed by: its ExplicitHashKey if given, else MD5 of its partition key. */
export function recordHashKey(partitionKey: string, explicitHashKey?: string): bigint {
  return explicitHashKey === undefined
    ? partitionKeyToHashKey(partitionKey)
    : parseExplicitHashKey(explicitHashKey);
}
