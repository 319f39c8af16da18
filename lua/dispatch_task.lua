-- dispatch_task: turns an utterance into a job and places it, in one atomic step.
--   1. Idempotency: a job key seen before returns that job as it is (nothing is reserved twice).
--   2. Selection (includes/select.lua): sticky node if it fits, else a random sample of the free members of every
--      pool serving the job's languages, filtered, least loaded wins. Cost is O(log N) per sampled node.
--   3. Placement: reserve a slot with a deadline, or park the job in the backlog when capable nodes exist but none
--      can take it now, or refuse with the reason when no node can serve it at all (nothing is written then).
--
-- KEYS[1..12] the state keys (includes/state_keys.lua)
-- KEYS[13] job payload hash "{p}:job:<job_id>"  (fields spec = job_assign JSON template, audio = raw bytes)
-- KEYS[14] idempotency key "{p}:jobkey:<job_key>" -> job_id
-- ARGV[1] selection cfg JSON {hb_timeout, threshold, sample, rounds, seed}
-- ARGV[2] job_id
-- ARGV[3] job state JSON {sess, langs, asr, tts, need, pin, tried, ackms, runms}
-- ARGV[4] job spec JSON (kept in KEYS[13] for (re)sending)
-- ARGV[5] audio bytes
-- ARGV[6] payload TTL ms (KEYS[13]): a bound on the job's active life; the finishing script deletes it sooner
-- ARGV[7] idempotency ms (TTL of KEYS[14])
-- ARGV[8] longest backlog wait ms
-- ARGV[9] deadline, Redis clock ms (0: none): a call that starts later writes nothing and answers {"late"}
-- Returns one of
--   {"assigned", job_id, node_id, attempt}
--   {"queued", job_id, backlog_length}
--   {"existing", job_id, status, node_id, attempt}
--   {"late"}                       the deadline passed before the script ran: nothing was written
--   {"rejected", reason}   reason: NO_POOL | EXCLUDED | MISSING_SERVICE | MISSING_LANGUAGE | PRIVATE
-- Errors: none expected; malformed JSON arguments raise a script error.
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/select.lua"
-- @include "includes/slots.lua"

if past_deadline(ARGV[9]) then return { 'late' } end
local payload_key, job_key = KEYS[13], KEYS[14]
local cfg = cjson.decode(ARGV[1])
local job_id = ARGV[2]

local existing_id = redis.call('GET', job_key)
if existing_id then
  local existing = load_json(K.jobs, existing_id)
  if existing ~= nil then
    return { 'existing', existing_id, existing.st, existing.node or '', existing.att or 0 }
  end
end

local job = cjson.decode(ARGV[3])
local now = now_ms()
job.att = 0
job.created = now
job.tried = job.tried or ','
local node, outcome = select_node(K, job, now, cfg)
if node == nil and outcome ~= 'WAIT' then return { 'rejected', outcome } end

redis.call('HSET', payload_key, 'spec', ARGV[4], 'audio', ARGV[5])
redis.call('PEXPIRE', payload_key, ARGV[6])
redis.call('SET', job_key, job_id, 'PX', ARGV[7])
if node == nil then
  enqueue(K, job_id, job, now, tonumber(ARGV[8]))
  return { 'queued', job_id, redis.call('ZCARD', K.backlog) }
end
assign(K, job_id, job, node, now)
return { 'assigned', job_id, node, job.att }
