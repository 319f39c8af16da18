-- check_epoch: has Redis lost its data since this instance last looked? The first instance to find the epoch key
-- missing writes a new one; every instance that knew another epoch then sees the change. A Redis that restarts
-- with its data (persistence) keeps the key, so only a real loss is reported.
--
-- KEYS[1] "{p}:epoch" (string, no TTL)
-- ARGV[1] the epoch this instance knows ("" at start)  ARGV[2] a fresh random epoch to write if none exists
-- Returns {"same", epoch} | {"changed", epoch} (the data this instance relied on is gone) | {"new", epoch}
-- (no epoch existed: written now; "changed" for an instance that knew one, "new" only at start).
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[2])
  if ARGV[1] == '' then return { 'new', ARGV[2] } end
  return { 'changed', ARGV[2] }
end
if current == ARGV[1] then return { 'same', current } end
if ARGV[1] == '' then return { 'new', current } end
return { 'changed', current }
