-- heartbeat: a registered node reports status, resource usage and (possibly changed) capabilities. Refreshes its
-- liveness, re-derives its pool when its languages changed, updates its descriptor and place in the ready set, and when it
-- has free slots hands them to waiting jobs in the same call. A heartbeat for an unknown node is refused: it
-- never resurrects a node that was removed (the node must register again).
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- KEYS[14] "{p}:drain"  KEYS[15] "{p}:owners:node": an operator's drain of the node or its instance is re-applied
--          to the reported status (includes/drain.lua)
-- ARGV[1..3] selection: heartbeat timeout ms, resource threshold percent, ready-set page (includes/select.lua)
-- ARGV[4] node_id
-- ARGV[5] runtime JSON {st, cpu, gpu, mem, run, q}  (q: jobs waiting in the node's own queue)  (st: registering|ready|degraded|draining|offline)
-- ARGV[6] capabilities JSON as for register_node, or "" to keep the current ones
-- ARGV[7] how many backlog entries a hand-off may look at
-- ARGV[8] deadline, Redis clock ms (0: none): a late call hands nobody a job its caller would never send
-- Returns {"late"} (past the deadline: nothing done), {"unknown"} or {"ok", status, job_id, attempt, ...} listing the jobs handed to this node.
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/select.lua"
-- @include "includes/slots.lua"
-- @include "includes/drain.lua"

local now = now_ms()
if past_deadline_at(ARGV[8], now) then return { 'late' } end
local cfg = selection_cfg(1)
local node = ARGV[4]
local old_d = node_desc(K, node)
-- The capabilities come from the descriptor unless they changed (the JSON record is only rewritten then); a node
-- registered before descriptors existed gets one from its JSON record.
local info, acks
if old_d ~= nil then
  info = { pool = old_d.pool, max = old_d.max, pub = old_d.pub, svc = old_d.svc, asr = old_d.asr, tts = old_d.tts }
  acks = old_d.acks
else
  info = load_json(K.node_info, node)
  if info == nil then return { 'unknown' } end
  acks = (load_json(K.node_state, node) or {}).acks or 0
end
if ARGV[6] ~= '' then
  local fresh = cjson.decode(ARGV[6])
  if fresh.pool ~= info.pool then
    pool_leave(K, info.pool, node)
    pool_join(K, fresh.pool, node)
  end
  info = fresh
  redis.call('HSET', K.node_info, node, ARGV[6])
end

local state = cjson.decode(ARGV[5])
state.hb = now
state.acks = acks
state.dur = old_d ~= nil and old_d.dur > 0 and old_d.dur or nil  -- observed (complete_task): not the node's to say
apply_drain(state, drained_by(KEYS[14], KEYS[15], node))
redis.call('HSET', K.node_state, node, cjson.encode(state))
redis.call('ZADD', K.node_seen, now, node)

local d = desc_of(node, info, state, acks)
local load = node_load(K, node)
desc_store(K, old_d, d, load)
local reply = { 'ok', state.st }
if ready_member(d, load) ~= nil and redis.call('ZCARD', K.backlog) > 0 then
  for _, v in ipairs(handoff(K, node, now, cfg, tonumber(ARGV[7]))) do reply[#reply + 1] = v end
end
return reply
