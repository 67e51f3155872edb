import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Stores a position through a live lease, never moving backwards.
 *
 * KEYS[1] the shard's hash
 * ARGV[1] token; ARGV[2] sequence number (decimal); ARGV[3] sub-sequence number, '' for the
 * whole record
 *
 * Order: sequence numbers as numbers; within one, a sub-sequence number k comes before the whole
 * record (no sub-sequence number), which is the greatest.
 *
 * Returns
 *   {1}                 stored (also when equal to the stored position)
 *   {0}                 not stored: it would move backwards, or the shard end is marked
 *   {-1, holder | nil}  lease lost (see renewLease)
 */
export const CHECKPOINT_LUA = `${PRELUDE_LUA}
local key = KEYS[1]
local now = now_ms()
local f = redis.call('HMGET', key, 'owner', 'token', 'expires', 'seq', 'sub', 'end')
local holder = live_owner(f[1], f[3], now)
if not holder or f[2] ~= ARGV[1] then
  return {-1, holder}
end
if f[6] == '1' then
  return {0}
end
if f[4] then
  local c = cmp_seq(ARGV[2], f[4])
  if c < 0 then return {0} end
  if c == 0 then
    local stored_sub = f[5]
    if not stored_sub or stored_sub == '' then
      if ARGV[3] ~= '' then return {0} end
    elseif ARGV[3] ~= '' and tonumber(ARGV[3]) < tonumber(stored_sub) then
      return {0}
    end
  end
end
redis.call('HSET', key, 'seq', ARGV[2])
if ARGV[3] == '' then
  redis.call('HDEL', key, 'sub')
else
  redis.call('HSET', key, 'sub', ARGV[3])
end
return {1}
`;
