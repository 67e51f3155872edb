import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Reads the state of a stream's shards and workers in one consistent step (read only).
 *
 * KEYS[1] the stream's workers (sorted set: worker id -> heartbeat expiry in ms)
 * KEYS[2..n] shard hashes
 *
 * Returns {now, liveWorkers, hash_1, ..., hash_n}: the server clock in ms (decimal string), the
 * ids of workers whose heartbeat has not expired, and each shard hash as a flat HGETALL array
 * (empty when the shard has no state).
 */
export const READ_STREAM_LUA = `${PRELUDE_LUA}
local now = now_ms()
local result = {fmt(now), redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. fmt(now), '+inf')}
for i = 2, #KEYS do
  result[#result + 1] = redis.call('HGETALL', KEYS[i])
end
return result
`;
