import type { LeaseSnapshot, LeaseState } from '../LeaseCoordinator.js';
import { RedisCommandError } from './errors/RedisCommandError.js';
import { parseLeaseState } from './parseLeaseState.js';
import type { RedisCaller } from './RedisCaller.js';
import type { RedisKeys } from './redisKeys.js';
import { REDIS_SCRIPTS } from './redisScripts.js';
import { millis, sortedStrings } from './scriptResult.js';

/**
 * Every lease of a stream and its live workers, read in one script (one consistent moment, on
 * the server's clock), shards in name order.
 */
export async function readLeaseSnapshot(
  caller: RedisCaller,
  keys: RedisKeys,
  streamName: string,
): Promise<LeaseSnapshot> {
  const shardIds = sortedStrings(
    await caller.call('listLeases', { streamName }, () => caller.redis.smembers(keys.shardIndex(streamName))),
  );
  const reply = await caller.call('listLeases', { streamName }, () =>
    REDIS_SCRIPTS.readStream.run(
      caller.redis,
      [keys.workers(streamName), ...shardIds.map((shardId) => keys.shard(streamName, shardId))],
      [],
    ),
  );
  if (!Array.isArray(reply) || reply.length !== shardIds.length + 2)
    throw new RedisCommandError('listLeases', `unexpected script reply ${JSON.stringify(reply)}`);
  const now = millis(reply[0], 'listLeases');
  const leases: LeaseState[] = [];
  shardIds.forEach((shardId, index) => {
    const state = parseLeaseState(shardId, reply[index + 2], now);
    if (state !== undefined) leases.push(state);
  });
  return { now, liveWorkers: sortedStrings(reply[1]), leases };
}
