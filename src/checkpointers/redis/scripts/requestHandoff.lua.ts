import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Asks the live owner of a lease to hand it over to the requester.
 *
 * KEYS[1] the shard's hash
 * ARGV[1] requester; ARGV[2] handoff timeout in ms
 *
 * A request made at time t has deadline t + timeout: the owner should release the lease to the
 * requester before then. From the deadline until t + 2 * timeout the requester may take the
 * lease over with acquireLease; after that the request is stale and ignored.
 *
 * Returns
 *   {1, owner, deadline}       recorded
 *   {2, owner, deadline}       this requester's request was already pending (unchanged)
 *   {3, owner, deadline, req}  another worker's (`req`) request is pending: not recorded
 *   {4, owner}                 the requester holds the lease itself
 *   {0}                        nobody holds the lease live: acquire it instead
 */
export const REQUEST_HANDOFF_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
local me = ARGV[1]
local timeout = tonumber(ARGV[2])
local now = now_ms()
local f = redis.call('HMGET', key, 'owner', 'expires', 'hreq', 'hdeadline', 'hexpires')
local holder = live_owner(f[1], f[2], now)
if not holder then return {0} end
if holder == me then return {4, holder} end
local window = tonumber(f[5])
if f[3] and window and window > now then
  if f[3] == me then return {2, holder, f[4]} end
  return {3, holder, f[4], f[3]}
end
local deadline = now + timeout
redis.call('HSET', key, 'hreq', me, 'hdeadline', fmt(deadline), 'hexpires', fmt(deadline + timeout))
return {1, holder, fmt(deadline)}
`;
