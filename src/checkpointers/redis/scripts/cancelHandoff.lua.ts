/**
 * Withdraws a handoff request (and a reservation) made for the requester.
 *
 * KEYS[1] the shard's hash
 * ARGV[1] requester
 *
 * Returns 1 if a request or reservation of the requester was removed, else 0.
 */
export const CANCEL_HANDOFF_LUA = `
local key = KEYS[1]
local removed = 0
if redis.call('HGET', key, 'hreq') == ARGV[1] then
  redis.call('HDEL', key, 'hreq', 'hdeadline', 'hexpires')
  removed = 1
end
if redis.call('HGET', key, 'rsv') == ARGV[1] then
  redis.call('HDEL', key, 'rsv', 'rsvuntil')
  removed = 1
end
return removed
`;
