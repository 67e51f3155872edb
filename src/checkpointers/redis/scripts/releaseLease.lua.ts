import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Gives up a lease, keeping the checkpoint; optionally reserves it for a handoff requester, if
 * that worker's heartbeat is live at this very moment (a requester that died while the owner
 * drained its records would otherwise keep the shard unread for the whole reservation).
 *
 * KEYS[1] the shard's hash; KEYS[2] the stream's workers (sorted set: worker id -> heartbeat
 * expiry in ms)
 * ARGV[1] token; ARGV[2] worker to reserve the lease for ('' for none);
 * ARGV[3] reservation length in ms
 *
 * Returns
 *   2   released and reserved for ARGV[2]
 *   1   released, not reserved (no ARGV[2], or its heartbeat ran out or it left the group)
 *   0   not ours any more (taken over, or released already): nothing changed
 * Releasing also clears any handoff request on the lease.
 */
export const RELEASE_LEASE_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
if redis.call('HGET', key, 'token') ~= ARGV[1] then
  return 0
end
redis.call('HDEL', key, 'owner', 'token', 'expires', 'hreq', 'hdeadline', 'hexpires', 'rsv', 'rsvuntil')
if ARGV[2] == '' then
  return 1
end
local now = now_ms()
local heartbeat = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[2]))
if not heartbeat or heartbeat <= now then
  return 1
end
redis.call('HSET', key, 'rsv', ARGV[2], 'rsvuntil', fmt(now + tonumber(ARGV[3])))
return 2
`;
