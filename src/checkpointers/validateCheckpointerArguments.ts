import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { Lease } from './Checkpointer.js';

/** Throws InvalidOptionError unless `value` is a non-empty string. */
export function validateNonEmptyString(value: unknown, option: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidOptionError(option, value, 'must be a non-empty string');
}

/** Checks the (streamName, shardId) pair every checkpointer call is keyed by. */
export function validateShardAddress(streamName: unknown, shardId: unknown): void {
  validateNonEmptyString(streamName, 'streamName');
  validateNonEmptyString(shardId, 'shardId');
}

/** Checks that `value` looks like a Lease returned by a checkpointer. */
export function validateLease(value: unknown): asserts value is Lease {
  if (typeof value !== 'object' || value === null)
    throw new InvalidOptionError('lease', value, 'must be a Lease returned by acquireLease or renewLease');
  const lease = value as Record<string, unknown>;
  validateShardAddress(lease.streamName, lease.shardId);
  validateNonEmptyString(lease.owner, 'lease.owner');
  validateNonEmptyString(lease.token, 'lease.token');
}

/** Checks forgetShards' arguments: a stream name and an array of shard ids (duplicates dropped). */
export function validateShardIds(streamName: unknown, shardIds: unknown): string[] {
  validateNonEmptyString(streamName, 'streamName');
  if (!Array.isArray(shardIds))
    throw new InvalidOptionError('shardIds', shardIds, 'must be an array of shard ids');
  for (const shardId of shardIds as unknown[]) validateNonEmptyString(shardId, 'shardId');
  return [...new Set(shardIds as string[])];
}
