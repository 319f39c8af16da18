-- node_offline: a node's socket closed (or an operator removed it). The node leaves its pool and the pair index
-- (an emptied pool disappears), and every job it held is returned so the caller fails each over at once
-- (reassign_task, which finds the slot already gone with the node).
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- ARGV[1] node_id
-- Returns {"removed", job_id, attempt, ...} or {"unknown", job_id, attempt, ...} (jobs may outlive the node record).
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/node_remove.lua"

local known, held = node_remove(K, ARGV[1])
local reply = { known and 'removed' or 'unknown' }
for _, v in ipairs(held) do reply[#reply + 1] = v end
return reply
