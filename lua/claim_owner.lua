-- claim_owner: a node or session socket registered on this instance; other instances find it through the owner
-- hash. The per-instance set lets survivors find what a dead instance held. A newer claim (the peer reconnected
-- elsewhere) simply overwrites the owner; the old instance's set entry is checked against the hash before use.
--
-- KEYS[1] owner hash "{p}:owners:node" or "{p}:owners:session"  (id -> instance)
-- KEYS[2] this instance's set "{p}:owned:<instance>:node" or ":session"
-- ARGV[1] id  ARGV[2] instance id
-- Returns the previous owner ("" when none).
local previous = redis.call('HGET', KEYS[1], ARGV[1]) or ''
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return previous
