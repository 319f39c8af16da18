-- abandon_job: the scheduler told the session a dispatch was not done (its reply timed out), but the script may have
-- run before its deadline. This makes that report true whenever it runs: a job that exists and has not ended is
-- failed ("ABANDONED"), its slot released (and handed to the oldest waiting job that node can serve) and its
-- payload deleted. Idempotent; a job that never came to be, or already ended, is left as it is.
--
-- KEYS[1..12] the state keys (includes/state_keys.lua)
-- KEYS[13] the job's payload "{p}:job:<job_id>" (deleted)
-- ARGV[1] selection cfg JSON  ARGV[2] job_id  ARGV[3] retention ms of the failed state
-- ARGV[4] how many backlog entries a hand-off may look at
-- Returns {"abandoned", node_id ("" when it was waiting), attempt, job_id, attempt, ... handed to that node}
--         {"ended"} (it had already ended) or {"unknown"} (it was never placed).
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/select.lua"
-- @include "includes/slots.lua"

local cfg = cjson.decode(ARGV[1])
local job_id = ARGV[2]
local job = load_json(K.jobs, job_id)
drop_payload(KEYS[13])
if job == nil then return { 'unknown' } end
if TERMINAL[job.st] then return { 'ended' } end

local now = now_ms()
local node = job.node or ''
local released = node ~= '' and release(K, job_id, node)
finish(K, job_id, job, 'failed', 'ABANDONED', now, tonumber(ARGV[3]))
local reply = { 'abandoned', node, job.att or 0 }
if released and redis.call('ZCARD', K.backlog) > 0 then
  for _, v in ipairs(handoff(K, node, now, cfg, tonumber(ARGV[4]))) do reply[#reply + 1] = v end
end
return reply
