-- ack_task: the node accepted (job_ack) or started (job_started) the job: the reservation is committed and the
-- deadline becomes the run deadline. Only the node holding the job's current attempt may do so. The node is
-- remembered as one that acknowledges, so its later jobs get the (short) ack deadline first.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- ARGV[1] job_id  ARGV[2] node_id  ARGV[3] attempt
-- Returns {"accepted", session_id} for the first ack of the current attempt (a reservation becomes running),
--         {"running", session_id} for a repeated ack (idempotent), {"stale", session_id} (another node or attempt,
--         or the job ended), {"unknown"}.
-- A job sent as 'running' (its node was not known to acknowledge) makes the node known as one that does; a job
-- sent as 'reserved' proves it already is: the node's descriptor is only read and rewritten the first time.
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"

local job_id, node, attempt = ARGV[1], ARGV[2], tonumber(ARGV[3])
local job = load_json(K.jobs, job_id)
if job == nil then return { 'unknown' } end
if job.node ~= node or job.att ~= attempt or TERMINAL[job.st] then return { 'stale', job.sess or '' } end

if job.st == 'running' and job.acked ~= attempt then
  local d = node_desc(K, node)
  if d ~= nil and d.acks ~= 1 then
    local acking = {}
    for k, v in pairs(d) do acking[k] = v end
    acking.acks = 1
    desc_store(K, d, acking, node_load(K, node))
    local state = load_json(K.node_state, node)
    if state ~= nil then
      state.acks = 1
      redis.call('HSET', K.node_state, node, cjson.encode(state))
    end
  end
end
if job.acked == attempt then return { 'running', job.sess or '' } end
job.acked = attempt
if job.st == 'reserved' then
  job.st = 'running'
  redis.call('ZADD', K.deadlines, now_ms() + job.runms, job_id)
end
redis.call('HSET', K.jobs, job_id, cjson.encode(job))
return { 'accepted', job.sess or '' }
