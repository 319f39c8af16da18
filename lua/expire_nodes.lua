-- expire_nodes: nodes silent for longer than the heartbeat timeout are removed exactly as node_offline would
-- (e.g. their scheduler instance died with the socket). Any instance may run it; each node is removed once.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- ARGV[1] heartbeat timeout ms  ARGV[2] most nodes to remove in this call
-- Returns a list of {node_id, job_id, attempt, ...}, one entry per removed node.
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/node_remove.lua"

local now = now_ms()
local silent = redis.call('ZRANGEBYSCORE', K.node_seen, '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
local reply = {}
for _, node in ipairs(silent) do
  local _, held = node_remove(K, node)
  local entry = { node }
  for _, v in ipairs(held) do entry[#entry + 1] = v end
  reply[#reply + 1] = entry
end
return reply
