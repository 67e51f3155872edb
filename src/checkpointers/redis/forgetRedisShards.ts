import { validateShardIds } from '../validateCheckpointerArguments.js';
import { RedisCommandError } from './errors/RedisCommandError.js';
import type { RedisCaller } from './RedisCaller.js';
import type { RedisKeys } from './redisKeys.js';
import { REDIS_SCRIPTS } from './redisScripts.js';

/** Shards per script run: a stream's trimmed shards come a few at a time, a backlog in batches. */
const BATCH = 100;

/**
 * RedisCheckpointer.forgetShards: removes the hashes (and index entries) of the given shards that
 * no one holds, one script per batch (all of a stream's keys share one Cluster slot). Resolves
 * the ids removed or without state.
 */
export async function forgetRedisShards(
  caller: RedisCaller,
  keys: RedisKeys,
  streamName: string,
  shardIds: readonly string[],
): Promise<string[]> {
  caller.assertOpen('forget shards');
  const ids = validateShardIds(streamName, shardIds);
  const forgotten: string[] = [];
  for (let start = 0; start < ids.length; start += BATCH) {
    const batch = ids.slice(start, start + BATCH);
    const reply = await caller.call('forgetShards', { streamName }, () =>
      REDIS_SCRIPTS.forgetShards.run(
        caller.redis,
        [keys.shardIndex(streamName), ...batch.map((shardId) => keys.shard(streamName, shardId))],
        batch,
      ),
    );
    if (!Array.isArray(reply) || reply.length !== batch.length)
      throw new RedisCommandError('forgetShards', `unexpected script reply ${JSON.stringify(reply)}`);
    batch.forEach((shardId, index) => {
      if (Number(reply[index]) === 1) forgotten.push(shardId);
    });
  }
  return forgotten;
}
