import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { Checkpointer } from './Checkpointer.js';
import { isRedisClient, type RedisClient } from './redis/RedisClient.js';
import { RedisCheckpointer } from './redis/RedisCheckpointer.js';

/**
 * What `fromKinesis({ checkpointer })` and `checkpoint(checkpointer)` accept: a Checkpointer, or an
 * ioredis `Redis` or `Cluster` instance (RedisClient is the part of them used; not ioredis's own
 * types, which would be missing, or `any`, in projects without ioredis, an optional peer).
 */
export type CheckpointerInput = Checkpointer | RedisClient;

/**
 * The application (consumer group) name of the RedisCheckpointer made for a bare ioredis client.
 * Its other settings are the RedisCheckpointer defaults: sessionTimeout 60 s, heartbeat every
 * 15 s, callTimeout 30 s, keys prefixed `rxjs-kinesis:`.
 */
export const DEFAULT_CHECKPOINTER_NAME = 'default';

const METHODS = ['getCheckpoint', 'acquireLease', 'renewLease', 'releaseLease', 'checkpoint', 'markShardEnd'];

/** Whether `value` implements the Checkpointer interface (duck-typed). */
export function isCheckpointer(value: unknown): value is Checkpointer {
  if (typeof value !== 'object' || value === null) return false;
  return METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}

/**
 * Whether `value` is meant as a checkpointer rather than an options object: a Checkpointer, an
 * ioredis client, or any other class instance (which toCheckpointer() then refuses clearly).
 * Plain objects (`{ batchSize: 100 }`) are not.
 */
export function isCheckpointerArgument(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (isCheckpointer(value) || isRedisClient(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype !== Object.prototype && prototype !== null;
}

/** One RedisCheckpointer per client, so fromKinesis() and checkpoint() given the same client agree. */
const made = new WeakMap<object, RedisCheckpointer>();

/**
 * The Checkpointer for what a user gave as `option`: a Checkpointer as it is; an ioredis `Redis`
 * or `Cluster` instance wrapped in a RedisCheckpointer named DEFAULT_CHECKPOINTER_NAME with the
 * default timeouts (the same one every time for the same client, until it is closed; closing it
 * leaves the client open). Anything else throws InvalidOptionError saying what is accepted.
 */
export function toCheckpointer(value: unknown, option = 'checkpointer'): Checkpointer {
  if (isCheckpointer(value)) return value;
  if (isRedisClient(value)) {
    const existing = made.get(value);
    if (existing !== undefined && !existing.isClosed) return existing;
    const checkpointer = new RedisCheckpointer({ redis: value, name: DEFAULT_CHECKPOINTER_NAME });
    made.set(value, checkpointer);
    return checkpointer;
  }
  throw new InvalidOptionError(
    option,
    // A string is never accepted here, and may be a password or a URL given in the wrong place.
    typeof value === 'string' ? `[a string of ${value.length} characters]` : value,
    'expected a Checkpointer (new MemoryCheckpointer(), new RedisCheckpointer({ redis, name })) ' +
      'or an ioredis Redis or Cluster instance',
  );
}
