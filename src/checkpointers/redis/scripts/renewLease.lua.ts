import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Extends a live lease held with the given token.
 *
 * KEYS[1] the shard's hash
 * ARGV[1] token; ARGV[2] lease duration in ms
 *
 * Returns
 *   {1, expiresAt}        renewed (expiry never moves earlier)
 *   {-1, holder | nil}    lease lost: another token holds it (`holder` is its live owner), or it
 *                         expired or was released (nil)
 */
export const RENEW_LEASE_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
local now = now_ms()
local f = redis.call('HMGET', key, 'owner', 'token', 'expires')
local holder = live_owner(f[1], f[3], now)
if holder and f[2] == ARGV[1] then
  local expires = math.max(tonumber(f[3]), now + tonumber(ARGV[2]))
  redis.call('HSET', key, 'expires', fmt(expires))
  return {1, fmt(expires)}
end
return {-1, holder}
`;
