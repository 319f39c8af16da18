-- renew_presence: this instance is alive for another `ttl` ms (measured on Redis's clock, the one every instance
-- shares).
--
-- KEYS[1] "{p}:instances" zset (instance -> presence expiry ms)
-- ARGV[1] instance id  ARGV[2] ttl ms
-- Returns the new expiry (ms).
local t = redis.call('TIME')
local expiry = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], expiry, ARGV[1])
return expiry
