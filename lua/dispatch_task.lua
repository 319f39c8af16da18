-- dispatch_task: turns an utterance into a job and places it, in one atomic step.
--   1. Idempotency: a job key seen before returns that job as it is (nothing is reserved twice).
--   2. Selection (includes/select.lua): the sticky node if it fits, else the first fitting member of the ready set
--      of every pool serving the job's languages (least loaded first), the least loaded of those wins. One range
--      read per eligible pool; candidates are judged from their ready-set member, without further reads.
--   3. Placement: reserve a slot with a deadline, or park the job in the backlog when capable nodes exist but none
--      can take it now, or refuse with the reason when no node can serve it at all (nothing is written then).
--   4. Admission: a job that would wait behind ARGV[19] or more waiting jobs is refused (BACKLOG_FULL) instead of
--      parked: the caller sizes that bound from the backlog's observed drain rate (jobs::backlog_estimate), so a
--      job is never admitted to a wait longer than its budget. Nothing is written then either.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- KEYS[14] job payload "{p}:job:<job_id>": one string "<spec length>:<spec><audio>" (spec = the job_assign JSON
--          template, audio = raw bytes), set with PX; deleted when the job ends
-- KEYS[15] idempotency key "{p}:jobkey:<job_key>" -> job_id
-- ARGV[1..3] selection: heartbeat timeout ms, resource threshold percent, ready-set page (includes/select.lua)
-- ARGV[4] job_id  ARGV[5] session_id
-- ARGV[6] every language "a,b"  ARGV[7] ASR languages ",a,"  ARGV[8] TTS languages ",b," (may be ",")
-- ARGV[9] services needed ",asr,nmt,tts,"  ARGV[10] sticky node ("" for none)
-- ARGV[11] ack timeout ms  ARGV[12] run timeout ms
-- ARGV[13] job spec JSON  ARGV[14] audio bytes
-- ARGV[15] payload TTL ms (KEYS[14]): a bound on the job's active life; the finishing script deletes it sooner
-- ARGV[16] idempotency ms (TTL of KEYS[15])
-- ARGV[17] longest backlog wait ms
-- ARGV[18] deadline, Redis clock ms (0: none): a call that starts later writes nothing and answers {"late"}
-- ARGV[19] most jobs the backlog may hold for this one to join it (0: no bound)
-- ARGV[20] trace id of the utterance ("" for none): kept in the job record (field tr) for the job's log lines
-- Returns one of
--   {"assigned", job_id, node_id, attempt}
--   {"queued", job_id, backlog_length}
--   {"existing", job_id, status, node_id, attempt}
--   {"late"}                       the deadline passed before the script ran: nothing was written
--   {"rejected", reason}   reason: NO_POOL | EXCLUDED | MISSING_SERVICE | MISSING_LANGUAGE | PRIVATE
--   {"rejected", "BACKLOG_FULL", backlog_length}   capable nodes are all busy and ARGV[19] jobs wait already
-- Errors: none expected; non-numeric numeric arguments raise a script error.
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"
-- @include "includes/select.lua"
-- @include "includes/slots.lua"

local now = now_ms()
if past_deadline_at(ARGV[18], now) then return { 'late' } end
local payload_key, job_key = KEYS[14], KEYS[15]
local job_id = ARGV[4]

-- One command for the common case: the key is new and now names this job (SET NX GET, Redis 7).
local existing_id = redis.call('SET', job_key, job_id, 'NX', 'GET', 'PX', ARGV[16])
if existing_id then
  local existing = load_json(K.jobs, existing_id)
  if existing ~= nil then
    return { 'existing', existing_id, existing.st, existing.node or '', existing.att or 0 }
  end
  redis.call('SET', job_key, job_id, 'PX', ARGV[16])  -- it named a job that is gone: it names this one now
end

local job = { sess = ARGV[5], langs = ARGV[6], asr = ARGV[7], tts = ARGV[8], need = ARGV[9], pin = ARGV[10],
              tried = ',', ackms = tonumber(ARGV[11]), runms = tonumber(ARGV[12]), att = 0, created = now,
              tr = ARGV[20] or '' }
local node, found = select_node(K, job, now, selection_cfg(1))
if node == nil and found ~= 'WAIT' then
  redis.call('DEL', job_key)
  return { 'rejected', found }
end
if node == nil then
  local bound = tonumber(ARGV[19]) or 0
  local waiting = redis.call('ZCARD', K.backlog)
  if bound > 0 and waiting >= bound then
    redis.call('DEL', job_key)
    return { 'rejected', 'BACKLOG_FULL', waiting }
  end
end

local spec = ARGV[13]
redis.call('SET', payload_key, #spec .. ':' .. spec .. ARGV[14], 'PX', ARGV[15])
if node == nil then
  enqueue(K, job_id, job, now, tonumber(ARGV[17]))
  return { 'queued', job_id, redis.call('ZCARD', K.backlog) }
end
assign(K, job_id, job, found, now)
return { 'assigned', job_id, node, job.att }
