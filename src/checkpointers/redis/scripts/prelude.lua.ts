/**
 * Lua helpers prepended to every lease script.
 *
 * - `now_ms()`: the Redis server's clock (TIME) in epoch milliseconds. Every expiry is computed
 *   and compared with the server's clock, so the workers' clocks never matter.
 * - `fmt(n)`: a number as a plain decimal string (Lua's tostring would write 1.7e+12).
 * - `cmp_seq(a, b)`: compares two decimal sequence numbers (up to 129 digits) as numbers:
 *   leading zeros stripped, then by length, then digit by digit (locale independent).
 * - `live_owner(owner, expires, now)`: the owner if the lease is live, else false.
 *
 * Scripts call TIME before writing; Redis 5+ replicates a script's effects (not the script), and
 * `redis.replicate_commands()` makes Redis 3.2/4 do the same.
 */
export const PRELUDE_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function fmt(n)
  return string.format('%.0f', n)
end
local function cmp_seq(a, b)
  a = string.gsub(a, '^0+', '')
  b = string.gsub(b, '^0+', '')
  if #a ~= #b then
    if #a < #b then return -1 else return 1 end
  end
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      if x < y then return -1 else return 1 end
    end
  end
  return 0
end
local function live_owner(owner, expires, now)
  local e = tonumber(expires)
  if owner and e and e > now then return owner end
  return false
end
`;
