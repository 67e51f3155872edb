import { PRELUDE_LUA } from './prelude.lua.js';

/**
 * Lists the workers whose heartbeat has not expired (read only).
 *
 * KEYS[1] the stream's workers (sorted set: worker id -> heartbeat expiry in ms)
 *
 * Returns the worker ids, in no particular order.
 */
export const LIVE_WORKERS_LUA = `${PRELUDE_LUA}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. fmt(now_ms()), '+inf')
`;
