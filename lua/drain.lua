-- drain: an operator drains (or undrains) one node or every node of one instance. Drained nodes leave the free set
-- and selection at once (status 'draining'); the jobs they hold finish; an undrained node that is ready with a free
-- slot is selectable again at once (waiting jobs reach it with its next heartbeat). The drain entry outlives the
-- node's heartbeats and reconnects until it is undrained (includes/drain.lua).
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- KEYS[14] "{p}:drain"  KEYS[15] "{p}:owners:node"  KEYS[16] "{p}:instances" (presence zset)
-- KEYS[17] "{p}:owned:<instance>:node": the instance's node set (instance target; unused for a node target)
-- ARGV[1] "node" | "instance"   ARGV[2] the node or instance id   ARGV[3] "on" | "off"
-- Returns {"ok", node_id, status, ...} (the nodes whose record was re-evaluated and their status now), or
-- {"unknown"} when draining a node that is not registered or an instance that has no presence (nothing written).
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/drain.lua"

local drain, owners, instances = KEYS[14], KEYS[15], KEYS[16]
local kind, id, on = ARGV[1], ARGV[2], ARGV[3] == 'on'

local function reapply(node)
  local info = load_json(K.node_info, node)
  local state = load_json(K.node_state, node)
  if info == nil or state == nil then return nil end
  apply_drain(state, drained_by(drain, owners, node))
  redis.call('HSET', K.node_state, node, cjson.encode(state))
  local old_d = node_desc(K, node)
  desc_store(K, old_d, desc_of(node, info, state, old_d and old_d.acks or 0), node_load(K, node))
  return state.st
end

local nodes = {}
if kind == 'node' then
  if on and redis.call('HEXISTS', K.node_info, id) == 0 then return { 'unknown' } end
  nodes[1] = id
else
  if on and redis.call('ZSCORE', instances, id) == false then return { 'unknown' } end
  for _, node in ipairs(redis.call('SMEMBERS', KEYS[17])) do
    if redis.call('HGET', owners, node) == id then nodes[#nodes + 1] = node end
  end
end

local target = kind .. ':' .. id
if on then
  redis.call('HSETNX', drain, target, now_ms())
else
  redis.call('HDEL', drain, target)
end
local reply = { 'ok' }
for _, node in ipairs(nodes) do
  local st = reapply(node)
  if st ~= nil then
    reply[#reply + 1] = node
    reply[#reply + 1] = st
  end
end
return reply
