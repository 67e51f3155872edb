import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Takes a shard's lease.
 *
 * KEYS[1] the shard's hash; KEYS[2] the stream's shard index (set of shard ids)
 * ARGV[1] owner; ARGV[2] a fresh token (used only when the lease changes hands);
 * ARGV[3] lease duration in ms; ARGV[4] shard id
 *
 * Returns
 *   {1, token, expiresAt}                 acquired: it was free or expired (fresh token); or this
 *                                         very call ran before (a retry after a lost reply: the
 *                                         token sent is the live one), which is answered the same
 *   {2, token, expiresAt, previousOwner}  taken over: our handoff request passed its deadline
 *                                         without the owner releasing the lease
 *   {0, holder}                           refused: held live by `holder` (even when `holder` is the
 *                                         caller's own worker id: a live lease belongs to the
 *                                         instance that holds its token, and another instance with
 *                                         the same id waits for expiry like anyone else), or
 *                                         reserved for `holder` by a handoff
 * A reservation for another worker blocks only until it runs out; a free or expired lease clears
 * any handoff request and reservation.
 */
export const ACQUIRE_LEASE_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
local me = ARGV[1]
local duration = tonumber(ARGV[3])
local now = now_ms()
local f = redis.call('HMGET', key, 'owner', 'token', 'expires', 'hreq', 'hdeadline', 'hexpires', 'rsv', 'rsvuntil')
local holder = live_owner(f[1], f[3], now)
if holder then
  if f[2] == ARGV[2] then
    return {1, f[2], f[3]}
  end
  local deadline, window = tonumber(f[5]), tonumber(f[6])
  if f[4] == me and deadline and window and deadline <= now and now < window then
    local expires = now + duration
    redis.call('HSET', key, 'owner', me, 'token', ARGV[2], 'expires', fmt(expires))
    redis.call('HDEL', key, 'hreq', 'hdeadline', 'hexpires', 'rsv', 'rsvuntil')
    return {2, ARGV[2], fmt(expires), holder}
  end
  return {0, holder}
end
local until_ms = tonumber(f[8])
if f[7] and f[7] ~= me and until_ms and until_ms > now then
  return {0, f[7]}
end
local expires = now + duration
redis.call('HSET', key, 'owner', me, 'token', ARGV[2], 'expires', fmt(expires))
redis.call('HDEL', key, 'hreq', 'hdeadline', 'hexpires', 'rsv', 'rsvuntil')
redis.call('SADD', KEYS[2], ARGV[4])
return {1, ARGV[2], fmt(expires)}
`;
