-- abandon_job: the scheduler told the session a dispatch was not done (its reply timed out), but the script may have
-- run before its deadline. This makes that report true whenever it runs: a job that exists and has not ended is
-- failed ("ABANDONED"), its slot released (and handed to the oldest waiting job that node can serve) and its
-- payload deleted. Idempotent; a job that never came to be, or already ended, is left as it is.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- KEYS[14] the job's payload "{p}:job:<job_id>" (deleted)
-- ARGV[1..3] selection: heartbeat timeout ms, resource threshold percent, ready-set page (includes/select.lua)
-- ARGV[4] job_id  ARGV[5] retention ms of the failed state  ARGV[6] how many backlog entries a hand-off may look at
-- Returns {"abandoned", node_id ("" when it was waiting), attempt, trace_id, session_id,
--          job_id, attempt, ... handed to that node}   (trace_id "" for a job recorded without one; the two fields
--          stand before the handed list, whose length varies)
--         {"ended"} (it had already ended) or {"unknown"} (it was never placed).
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/select.lua"
-- @include "includes/slots.lua"

local cfg = selection_cfg(1)
local job_id = ARGV[4]
local job = load_json(K.jobs, job_id)
drop_payload(KEYS[14])
if job == nil then return { 'unknown' } end
if TERMINAL[job.st] then return { 'ended' } end

local now = now_ms()
local node = job.node or ''
local released = node ~= '' and release(K, job_id, node)
finish(K, job_id, job, 'failed', 'ABANDONED', now, tonumber(ARGV[5]))
local reply = { 'abandoned', node, job.att or 0, job.tr or '', job.sess or '' }
if released and redis.call('ZCARD', K.backlog) > 0 then
  for _, v in ipairs(handoff(K, node, now, cfg, tonumber(ARGV[6]))) do reply[#reply + 1] = v end
end
return reply
