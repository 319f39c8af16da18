-- reassign_task: failover. Compare-and-set on the attempt: only the caller that saw the current attempt moves the
-- job, so two instances noticing the same timeout move it once. The failed node's slot is released (once; after a
-- run_timeout it stays taken until the node's late result or two more run deadlines: keep_slot) and the
-- node is excluded for this job; the job goes to another node with attempt + 1, waits in the backlog if capable
-- nodes are busy, or fails for good after max attempts or when no other node can serve it. The released slot, if
-- its node is still registered, goes to the oldest waiting job it can serve, in the same call.
--
-- A failed job's payload is deleted in the same call. A call that starts after its deadline changes nothing.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- KEYS[14] the job's payload "{p}:job:<job_id>" (deleted when the job fails for good)
-- ARGV[1..3] selection: heartbeat timeout ms, resource threshold percent, ready-set page (includes/select.lua)
-- ARGV[4] job_id  ARGV[5] expected attempt
-- ARGV[6] why: ack_timeout | run_timeout | node_lost | send_failed | node_error | reconnected
-- ARGV[7] max attempts  ARGV[8] retention ms of a failed state  ARGV[9] longest backlog wait ms
-- ARGV[10] how many backlog entries a hand-off may look at  ARGV[11] deadline, Redis clock ms (0: none)
-- Returns {kind, session_id, old_node, node_id, attempt, reason, {job_id, attempt, ...handed to old_node}, trace_id}
--   trace_id: the job's ("" for unknown and late, and for a job recorded without one)
--   kind: assigned (node_id, attempt) | queued | failed (reason: MAX_ATTEMPTS or a select reason such as EXCLUDED,
--   NO_POOL) | stale (the attempt moved on, or the job ended) | unknown | late (past the deadline: nothing done)
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/select.lua"
-- @include "includes/slots.lua"

if past_deadline(ARGV[11]) then return { 'late', '', '', '', 0, '', {}, '' } end
local cfg = selection_cfg(1)
local job_id, expected = ARGV[4], tonumber(ARGV[5])
local job = load_json(K.jobs, job_id)
if job == nil then return { 'unknown', '', '', '', 0, '', {}, '' } end
local sess, trace = job.sess or '', job.tr or ''
if job.att ~= expected or TERMINAL[job.st] or job.st == 'queued' then
  return { 'stale', sess, '', '', 0, '', {}, trace }
end

local now = now_ms()
local old_node = job.node
local released = false
if ARGV[6] == 'run_timeout' then
  -- The node may still be working on it (includes/slots.lua): it keeps the slot for up to two run deadlines.
  keep_slot(K, job_id, old_node, now + 2 * (job.runms or 0))
  -- The time it has taken so far is a lower bound of its duration there: a node whose jobs always miss the deadline
  -- is observed as slow (includes/select.lua BEHIND), not left looking untried.
  if job.disp then observe_duration(K, old_node, now - job.disp) end
else
  released = release(K, job_id, old_node)
end
-- A node that reconnected is alive: its job moves (to it again, if it fits best) without excluding it.
if ARGV[6] ~= 'reconnected' and not in_list(job.tried, old_node) then job.tried = (job.tried or ',') .. old_node .. ',' end
job.why = ARGV[6]

local kind, node, reason = 'failed', '', ''
if job.att >= tonumber(ARGV[7]) then
  reason = 'MAX_ATTEMPTS'
  drop_payload(KEYS[14])
  finish(K, job_id, job, 'failed', reason, now, tonumber(ARGV[8]))
else
  job.pin = ''
  local outcome
  node, outcome = select_node(K, job, now, cfg)
  if node ~= nil then
    kind = 'assigned'
    assign(K, job_id, job, outcome, now)
  elseif outcome == 'WAIT' then
    kind, node = 'queued', ''
    enqueue(K, job_id, job, now, tonumber(ARGV[9]))
  else
    node, reason = '', outcome
    drop_payload(KEYS[14])
    finish(K, job_id, job, 'failed', reason, now, tonumber(ARGV[8]))
  end
end
local handed = {}
if released and redis.call('ZCARD', K.backlog) > 0 then handed = handoff(K, old_node, now, cfg, tonumber(ARGV[10])) end
return { kind, sess, old_node, node, job.att, reason, handed, trace }
