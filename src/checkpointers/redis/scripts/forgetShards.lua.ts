import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Removes the state of shards the stream no longer lists, each only while no one holds it: no
 * live lease and no live handoff reservation (judged on the server's clock as the script runs,
 * so a worker taking the lease meanwhile either comes first and the shard is kept, or comes
 * after and finds it free with nothing stored).
 *
 * KEYS[1] the stream's shard index (set of shard ids); KEYS[2..n] the shards' hashes
 * ARGV[1..n-1] the shard ids, in the order of KEYS[2..n]
 *
 * Returns one number per shard: 1 removed (or had no state), 0 kept (held).
 */
export const FORGET_SHARDS_LUA = `${PRELUDE_LUA}
local now = now_ms()
local result = {}
for i = 2, #KEYS do
  local f = redis.call('HMGET', KEYS[i], 'owner', 'expires', 'rsv', 'rsvuntil')
  local reserved_until = tonumber(f[4])
  if live_owner(f[1], f[2], now) or (f[3] and reserved_until and reserved_until > now) then
    result[#result + 1] = 0
  else
    redis.call('DEL', KEYS[i])
    redis.call('SREM', KEYS[1], ARGV[i - 1])
    result[#result + 1] = 1
  end
end
return result
`;
