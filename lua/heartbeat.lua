-- heartbeat: a registered node reports status, resource usage and (possibly changed) capabilities. Refreshes its
-- liveness, re-derives its pool when its languages changed, updates its place among the free nodes, and when it
-- has free slots hands them to waiting jobs in the same call. A heartbeat for an unknown node is refused: it
-- never resurrects a node that was removed (the node must register again).
--
-- KEYS[1..12] the state keys (includes/state_keys.lua)
-- KEYS[13] "{p}:drain"  KEYS[14] "{p}:owners:node": an operator's drain of the node or its instance is re-applied
--          to the reported status (includes/drain.lua)
-- ARGV[1] selection cfg JSON {hb_timeout, threshold, sample, rounds, seed}
-- ARGV[2] node_id
-- ARGV[3] runtime JSON {st, cpu, gpu, mem, run, q}  (q: jobs waiting in the node's own queue)  (st: registering|ready|degraded|draining|offline)
-- ARGV[4] capabilities JSON as for register_node, or "" to keep the current ones
-- ARGV[5] how many backlog entries a hand-off may look at
-- ARGV[6] deadline, Redis clock ms (0: none): a late call hands nobody a job its caller would never send
-- Returns {"late"} (past the deadline: nothing done), {"unknown"} or {"ok", status, job_id, attempt, ...} listing the jobs handed to this node.
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/select.lua"
-- @include "includes/slots.lua"
-- @include "includes/drain.lua"

if past_deadline(ARGV[6]) then return { 'late' } end
local cfg = cjson.decode(ARGV[1])
local node = ARGV[2]
local info = load_json(K.node_info, node)
if info == nil then return { 'unknown' } end
local now = now_ms()

if ARGV[4] ~= '' then
  local fresh = cjson.decode(ARGV[4])
  if fresh.pool ~= info.pool then
    pool_leave(K, info.pool, node)
    pool_join(K, fresh.pool, node)
  end
  info = fresh
  redis.call('HSET', K.node_info, node, ARGV[4])
end

local old = load_json(K.node_state, node) or {}
local state = cjson.decode(ARGV[3])
state.hb = now
state.acks = old.acks or 0
apply_drain(state, drained_by(KEYS[13], KEYS[14], node))
redis.call('HSET', K.node_state, node, cjson.encode(state))
redis.call('ZADD', K.node_seen, now, node)

local free = node_is_free(K, node, info, state)
pool_mark_free(K, info.pool, node, free)
local reply = { 'ok', state.st }
if free and redis.call('ZCARD', K.backlog) > 0 then
  for _, v in ipairs(handoff(K, node, now, cfg, tonumber(ARGV[5]))) do reply[#reply + 1] = v end
end
return reply
