import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Marks a shard as read to its end through a live lease. Final: later checkpoints are refused.
 *
 * KEYS[1] the shard's hash
 * ARGV[1] token
 *
 * Returns
 *   {1}                 marked (or already marked)
 *   {-1, holder | nil}  lease lost (see renewLease)
 */
export const MARK_SHARD_END_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
local now = now_ms()
local f = redis.call('HMGET', key, 'owner', 'token', 'expires')
local holder = live_owner(f[1], f[3], now)
if not holder or f[2] ~= ARGV[1] then
  return {-1, holder}
end
redis.call('HSET', key, 'end', '1')
redis.call('HDEL', key, 'seq', 'sub')
return {1}
`;
