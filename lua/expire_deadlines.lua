-- expire_deadlines: the one place where time moves jobs on. For every deadline that has passed:
--   reserved (no ack in time) -> "ack_timeout";  running (no result in time) -> "run_timeout":
--       the entry is claimed for `lease` ms and returned; the caller fails the job over with reassign_task (whose
--       attempt CAS makes a double claim harmless; a claimer that dies lets the lease run out and re-expire).
--   queued (waited too long in the backlog) -> the job fails with NO_AVAILABLE_NODE, returned as "backlog_timeout".
--   finished (retention over) -> the state is dropped.
--   "kept|<node>|<job>" (a slot kept after a run timeout, includes/slots.lua) -> the slot is given back.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- ARGV[1] most entries to handle  ARGV[2] claim lease ms  ARGV[3] retention ms of a failed state
-- Returns a list of {kind, job_id, session_id, node_id, attempt, trace_id} (trace_id "" for a job recorded without
-- one, e.g. before the field existed).
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/slots.lua"

local now = now_ms()

-- Expired unavailability marks (MODEL_NOT_AVAILABLE) are removed here too, a bounded batch per pass: while any mark
-- exists, selection looks marks up for every candidate (includes/select.lua).
if redis.call('HLEN', K.unavailable) > 0 then
  local scan = redis.call('HSCAN', K.unavailable, 0, 'COUNT', tonumber(ARGV[1]))
  local entries = scan[2]
  for i = 1, #entries, 2 do
    if tonumber(entries[i + 1]) <= now then redis.call('HDEL', K.unavailable, entries[i]) end
  end
end

local due = redis.call('ZRANGEBYSCORE', K.deadlines, '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local reply = {}
for _, job_id in ipairs(due) do
  local kept_node, kept_job = string.match(job_id, '^kept|([^|]+)|(.+)$')
  local job = nil
  if kept_node == nil then job = load_json(K.jobs, job_id) end
  if kept_node ~= nil then
    -- A node that never sent the late result of a job taken from it: its kept slot is given back.
    release_kept(K, kept_job, kept_node)
  elseif job == nil or TERMINAL[job.st] then
    redis.call('ZREM', K.deadlines, job_id)
    redis.call('HDEL', K.jobs, job_id)
  elseif job.st == 'queued' then
    finish(K, job_id, job, 'failed', 'NO_AVAILABLE_NODE', now, tonumber(ARGV[3]))
    reply[#reply + 1] = { 'backlog_timeout', job_id, job.sess or '', '', job.att, job.tr or '' }
  else
    redis.call('ZADD', K.deadlines, now + tonumber(ARGV[2]), job_id)
    local kind = job.st == 'reserved' and 'ack_timeout' or 'run_timeout'
    reply[#reply + 1] = { kind, job_id, job.sess or '', job.node, job.att, job.tr or '' }
  end
end
return reply
