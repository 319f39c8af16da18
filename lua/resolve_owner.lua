-- resolve_owner: where a node or session socket lives, if that instance is alive.
--
-- KEYS[1] owner hash  KEYS[2] "{p}:instances" zset (instance -> presence expiry ms)
-- ARGV[1] id
-- Returns the owning instance id, or "" when there is none or its presence expired.
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if not owner then return '' end
local expiry = redis.call('ZSCORE', KEYS[2], owner)
if not expiry then return '' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(expiry) < now then return '' end
return owner
