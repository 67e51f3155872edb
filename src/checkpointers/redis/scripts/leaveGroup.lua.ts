/**
 * Forgets a worker at once: its heartbeat and its published cap.
 *
 * KEYS[1] the stream's workers (sorted set); KEYS[2] the stream's worker caps (hash)
 * ARGV[1] worker id
 *
 * Returns the number of heartbeats removed (0 or 1).
 */
export const LEAVE_GROUP_LUA = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return removed
`;
