import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Gives up a lease, keeping the checkpoint; optionally reserves it for a handoff requester.
 *
 * KEYS[1] the shard's hash
 * ARGV[1] token; ARGV[2] worker to reserve the lease for ('' for none);
 * ARGV[3] reservation length in ms
 *
 * Returns
 *   1   released (and reserved when ARGV[2] is set)
 *   0   not ours any more (taken over, or released already): nothing changed
 * Releasing also clears any handoff request on the lease.
 */
export const RELEASE_LEASE_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
if redis.call('HGET', key, 'token') ~= ARGV[1] then
  return 0
end
redis.call('HDEL', key, 'owner', 'token', 'expires', 'hreq', 'hdeadline', 'hexpires', 'rsv', 'rsvuntil')
if ARGV[2] ~= '' then
  redis.call('HSET', key, 'rsv', ARGV[2], 'rsvuntil', fmt(now_ms() + tonumber(ARGV[3])))
end
return 1
`;
