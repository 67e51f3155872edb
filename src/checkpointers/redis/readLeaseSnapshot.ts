import type { LeaseSnapshot, LeaseState, WorkerCap } from '../LeaseCoordinator.js';
import { RedisCommandError } from './errors/RedisCommandError.js';
import { parseLeaseState } from './parseLeaseState.js';
import type { RedisCaller } from './RedisCaller.js';
import type { RedisKeys } from './redisKeys.js';
import { REDIS_SCRIPTS } from './redisScripts.js';
import { millis, sortedStrings } from './scriptResult.js';

/**
 * Every lease of a stream, its live workers and their published caps, read in one script (one
 * consistent moment, on the server's clock), shards in name order. The shard index is read first,
 * and both calls share one `callTimeout`: a slow Redis cannot make a snapshot take two, as long as
 * the default `sessionTimeout` the snapshot is judged by.
 */
export async function readLeaseSnapshot(
  caller: RedisCaller,
  keys: RedisKeys,
  streamName: string,
): Promise<LeaseSnapshot> {
  const startedAt = caller.start();
  const shardIds = sortedStrings(
    await caller.call(
      'listLeases',
      { streamName },
      () => caller.redis.smembers(keys.shardIndex(streamName)),
      { startedAt },
    ),
  );
  const reply = await caller.call(
    'listLeases',
    { streamName },
    () =>
      REDIS_SCRIPTS.readStream.run(
        caller.redis,
        [
          keys.workers(streamName),
          keys.workerCaps(streamName),
          ...shardIds.map((shardId) => keys.shard(streamName, shardId)),
        ],
        [],
      ),
    { startedAt },
  );
  if (!Array.isArray(reply) || reply.length !== shardIds.length + 3)
    throw new RedisCommandError('listLeases', `unexpected script reply ${JSON.stringify(reply)}`);
  const now = millis(reply[0], 'listLeases');
  const leases: LeaseState[] = [];
  shardIds.forEach((shardId, index) => {
    const state = parseLeaseState(shardId, reply[index + 3], now);
    if (state !== undefined) leases.push(state);
  });
  return { now, liveWorkers: sortedStrings(reply[1]), workerCaps: parseWorkerCaps(reply[2]), leases };
}

/** The script's flat {id, cap, ...} list as WorkerCaps sorted by worker id. */
function parseWorkerCaps(flat: unknown): WorkerCap[] {
  if (!Array.isArray(flat) || flat.length % 2 !== 0)
    throw new RedisCommandError('listLeases', `unexpected worker caps ${JSON.stringify(flat)}`);
  const caps: WorkerCap[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const workerId: unknown = flat[i];
    const cap = Number(flat[i + 1]);
    if (typeof workerId !== 'string' || !Number.isSafeInteger(cap) || cap < 1)
      throw new RedisCommandError('listLeases', `unexpected worker caps ${JSON.stringify(flat)}`);
    caps.push({ workerId, maxShardConsumers: cap });
  }
  return caps.sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0));
}
