import { createHash } from 'node:crypto';
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

/** Length of a partition key as Kinesis counts it: Unicode code points. */
export function partitionKeyLength(partitionKey: string): number {
  let count = 0;
  for (const _ of partitionKey) count += 1;
  return count;
}

/** Throws InvalidOptionError unless `partitionKey` is a string of 1–256 Unicode characters. */
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
      `a partition key must have 1 to 256 characters, this one has ${length}`,
    );
  }
  return partitionKey;
}

/**
 * Parses and validates an ExplicitHashKey: a decimal integer string in 0 … 2^128−1.
 * Returns it as a bigint.
 */
export function parseExplicitHashKey(explicitHashKey: unknown, option = 'explicitHashKey'): bigint {
  const allowed = 'an ExplicitHashKey must be a decimal integer string from 0 to 2^128-1';
  if (typeof explicitHashKey !== 'string' || !/^[0-9]{1,39}$/.test(explicitHashKey)) {
    throw new InvalidOptionError(option, explicitHashKey, allowed);
  }
  const value = BigInt(explicitHashKey);
  if (value > MAX_HASH_KEY) throw new InvalidOptionError(option, explicitHashKey, allowed);
  return value;
}

/** The hash key a record is routed by: its ExplicitHashKey if given, else MD5 of its partition key. */
export function recordHashKey(partitionKey: string, explicitHashKey?: string): bigint {
  return explicitHashKey === undefined
    ? partitionKeyToHashKey(partitionKey)
    : parseExplicitHashKey(explicitHashKey);
}
