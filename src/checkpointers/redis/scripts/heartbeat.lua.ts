import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Records that a worker is alive, with the cap it publishes, and forgets workers whose heartbeat
 * expired (and their caps).
 *
 * KEYS[1] the stream's workers (sorted set: worker id -> heartbeat expiry in ms)
 * KEYS[2] the stream's worker caps (hash: worker id -> `<cap>:<heartbeat expiry in ms>`)
 * ARGV[1] worker id; ARGV[2] how long the heartbeat lasts, in ms; ARGV[3] the worker's
 * maxShardConsumers, or '' for no limit (clears a cap published before)
 *
 * A cap carries the expiry of the heartbeat that published it: a reader honours it only while
 * that is the worker's current heartbeat, so a heartbeat from an older version of this library
 * (which does not know the hash) makes the worker count as unlimited again. Every heartbeat drops
 * the caps of workers no longer in the set (expired here, or swept by an older version).
 * Both keys expire when no worker heartbeats for twice the longest heartbeat length.
 * Returns the heartbeat's expiry in ms (decimal string).
 */
export const HEARTBEAT_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
local caps = KEYS[2]
local ttl = tonumber(ARGV[2])
local now = now_ms()
local expires = now + ttl
redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now))
redis.call('ZADD', key, fmt(expires), ARGV[1])
if ARGV[3] ~= '' then
  redis.call('HSET', caps, ARGV[1], ARGV[3] .. ':' .. fmt(expires))
else
  redis.call('HDEL', caps, ARGV[1])
end
for _, worker in ipairs(redis.call('HKEYS', caps)) do
  if not redis.call('ZSCORE', key, worker) then redis.call('HDEL', caps, worker) end
end
for _, k in ipairs({key, caps}) do
  if redis.call('EXISTS', k) == 1 and redis.call('PTTL', k) < 2 * ttl then
    redis.call('PEXPIRE', k, fmt(2 * ttl))
  end
end
return fmt(expires)
`;
