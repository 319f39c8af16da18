-- take_over_instance: what a dead instance still owned. Returns the nodes and sessions whose owner entry still
-- names it (entries a reconnect already moved elsewhere are skipped), removes those owner entries, and deletes the
-- instance's sets and its inbox stream (nobody will read it again).
--
-- KEYS[1] "{p}:owners:node"  KEYS[2] "{p}:owners:session"
-- KEYS[3] "{p}:owned:<dead>:node"  KEYS[4] "{p}:owned:<dead>:session"  KEYS[5] "{p}:inbox:<dead>"
-- ARGV[1] the dead instance id
-- Returns {{node_id, ...}, {session_id, ...}}.
local function take(owners, owned)
  local taken = {}
  for _, id in ipairs(redis.call('SMEMBERS', owned)) do
    if redis.call('HGET', owners, id) == ARGV[1] then
      redis.call('HDEL', owners, id)
      taken[#taken + 1] = id
    end
  end
  redis.call('DEL', owned)
  return taken
end
local nodes = take(KEYS[1], KEYS[3])
local sessions = take(KEYS[2], KEYS[4])
redis.call('DEL', KEYS[5])
return { nodes, sessions }
