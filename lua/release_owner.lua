-- release_owner: the socket closed. Compare-and-delete: only the current owner removes the owner entry, so a peer
-- that already reconnected to another instance keeps its new owner.
--
-- KEYS[1] owner hash  KEYS[2] this instance's set
-- ARGV[1] id  ARGV[2] instance id
-- Returns 1 when this instance was the owner (and no longer is), 0 otherwise.
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
