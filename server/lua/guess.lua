-- A token bucket of code lookups for one client address, shared by every instance.
-- KEYS[1]: the bucket (a hash: tk tokens, ts milliseconds of Redis's clock)
-- ARGV[1]: burst (tokens when full); ARGV[2]: milliseconds per token;
-- ARGV[3]: the change: -1 takes one lookup, a positive number credits.
-- Returns {1, 0} when done, {0, ms} when there is no token yet (ms until there is).
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local burst, every, delta = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tk', 'ts')
local tk, ts = tonumber(b[1]) or burst, tonumber(b[2]) or now
tk = math.min(burst, tk + math.max(0, now - ts) / every)
if delta < 0 and tk < -delta then
  return {0, math.ceil((-delta - tk) * every)}
end
tk = math.min(burst, tk + delta)
redis.call('HSET', KEYS[1], 'tk', tostring(tk), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tk) * every) + 1000)
return {1, 0}
