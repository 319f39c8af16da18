-- reap_instances: instances whose presence expired are dead. Each is removed from the presence set exactly once
-- and returned, so one survivor takes over its leftovers (its nodes' jobs fail over, its sessions leave rooms).
--
-- KEYS[1] "{p}:instances" zset (instance -> presence expiry ms)
-- ARGV[1] most instances to reap in this call
-- Returns the list of dead instance ids.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, id in ipairs(dead) do redis.call('ZREM', KEYS[1], id) end
return dead
