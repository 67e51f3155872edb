import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Records that a worker is alive, and forgets workers whose heartbeat expired.
 *
 * KEYS[1] the stream's workers (sorted set: worker id -> heartbeat expiry in ms)
 * ARGV[1] worker id; ARGV[2] how long the heartbeat lasts, in ms
 *
 * The set itself expires when no worker heartbeats for twice the longest heartbeat length.
 * Returns the heartbeat's expiry in ms (decimal string).
 */
export const HEARTBEAT_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
local ttl = tonumber(ARGV[2])
local now = now_ms()
local expires = now + ttl
redis.call('ZADD', key, fmt(expires), ARGV[1])
redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now))
if redis.call('PTTL', key) < 2 * ttl then
  redis.call('PEXPIRE', key, fmt(2 * ttl))
end
return fmt(expires)
`;
