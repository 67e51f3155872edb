import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Reads the state of a stream's shards and workers in one consistent step (read only).
 *
 * KEYS[1] the stream's workers (sorted set: worker id -> heartbeat expiry in ms)
 * KEYS[2] the stream's worker caps (hash: worker id -> `<cap>:<heartbeat expiry in ms>`)
 * KEYS[3..n] shard hashes
 *
 * Returns {now, liveWorkers, caps, hash_1, ..., hash_n}: the server clock in ms (decimal
 * string), the ids of workers whose heartbeat has not expired, the caps of live workers as a flat
 * {id, cap, ...} list (a cap counts only if published by the worker's current heartbeat), and
 * each shard hash as a flat HGETALL array (empty when the shard has no state).
 */
export const READ_STREAM_LUA = `${PRELUDE_LUA}
local now = now_ms()
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. fmt(now), '+inf', 'WITHSCORES')
local workers = {}
local caps = {}
for i = 1, #live, 2 do
  local worker = live[i]
  workers[#workers + 1] = worker
  local entry = redis.call('HGET', KEYS[2], worker)
  if entry then
    local cap, at = string.match(entry, '^(%d+):(%d+)$')
    if cap and tonumber(at) == tonumber(live[i + 1]) then
      caps[#caps + 1] = worker
      caps[#caps + 1] = cap
    end
  end
end
local result = {fmt(now), workers, caps}
for i = 3, #KEYS do
  result[#result + 1] = redis.call('HGETALL', KEYS[i])
end
return result
`;
