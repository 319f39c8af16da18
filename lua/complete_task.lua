-- complete_task: the node holding the job's current attempt reports its end. Fencing: any other node or attempt is
-- refused ("stale"), so a replaced node's late result can never complete the job. Releases the slot and, in the
-- same call, hands the freed slot to the oldest waiting job this node can serve. Repeats are idempotent. The job's
-- payload (spec and audio) is deleted with the first report: only the small retained record outlives the job.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- KEYS[14] the job's payload "{p}:job:<job_id>" (deleted)
-- ARGV[1..3] selection: heartbeat timeout ms, resource threshold percent, ready-set page (includes/select.lua)
-- ARGV[4] job_id  ARGV[5] node_id  ARGV[6] attempt
-- ARGV[7] outcome: completed | completed_no_text | failed   ARGV[8] reason ("" or the node's error code)
-- ARGV[9] retention ms of the finished state  ARGV[10] how many backlog entries a hand-off may look at
-- Returns
--   {"completed", session_id, job_id, attempt, ...}  first report; then the jobs handed to this node
--   {"upgraded", session_id}    a text result after an empty one for the same attempt (deliver it)
--   {"duplicate", session_id}   the same attempt reported again (deliver nothing)
--   {"stale", session_id, job_id, attempt, ...}  not the current node/attempt (deliver nothing); a replaced node's
--                               kept slot is given back, then the jobs handed to it
--   {"unknown"}
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/select.lua"
-- @include "includes/slots.lua"

local cfg = selection_cfg(1)
local job_id, node, attempt, outcome = ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
local job = load_json(K.jobs, job_id)
local now = now_ms()
if job == nil then
  release_kept(K, job_id, node)
  return { 'unknown' }
end
local sess = job.sess or ''
if job.node ~= node or job.att ~= attempt then
  -- A replaced node's late result: it is not delivered, but the node is done with the job and gives back the slot
  -- it kept (includes/slots.lua keep_slot), which goes to a waiting job at once.
  local reply = { 'stale', sess }
  if job.node ~= node and release_kept(K, job_id, node) and redis.call('ZCARD', K.backlog) > 0 then
    for _, v in ipairs(handoff(K, node, now, cfg, tonumber(ARGV[10]))) do reply[#reply + 1] = v end
  end
  return reply
end
if TERMINAL[job.st] then
  if job.st == 'completed_no_text' and outcome == 'completed' then
    finish(K, job_id, job, outcome, ARGV[8], now, tonumber(ARGV[9]))
    return { 'upgraded', sess }
  end
  return { 'duplicate', sess }
end

release(K, job_id, node)
if outcome ~= 'failed' and job.disp then observe_duration(K, node, now - job.disp) end
drop_payload(KEYS[14])
finish(K, job_id, job, outcome, ARGV[8], now, tonumber(ARGV[9]))
local reply = { 'completed', sess }
if redis.call('ZCARD', K.backlog) > 0 then
  for _, v in ipairs(handoff(K, node, now, cfg, tonumber(ARGV[10]))) do reply[#reply + 1] = v end
end
return reply
