-- job_outcomes: what became of some jobs (read only). A session asks about the jobs it placed and has not heard of
-- for a while: a job that ended in the state while its news never reached the session (the instance relaying it
-- died between the two steps) is placed again or reported by the session, never left without an outcome.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- ARGV[1..n] job ids
-- Returns a flat list status, reason, ended_ago_ms for each job, in ARGV order:
--   status: active (waiting, reserved or running) | completed | completed_no_text | failed | unknown (no record)
--   reason: a failed job's reason (MAX_ATTEMPTS, a selection reason, NO_AVAILABLE_NODE, ABANDONED, a node's code)
--   ended_ago_ms: how long ago (Redis clock) an ended job ended; 0 otherwise
-- @include "includes/state_keys.lua"

local now = now_ms()
local out = {}
local function report(status, reason, ended_ago)
  out[#out + 1] = status
  out[#out + 1] = reason
  out[#out + 1] = ended_ago
end
for i = 1, #ARGV do
  local job = load_json(K.jobs, ARGV[i])
  if job == nil then
    report('unknown', '', 0)
  elseif TERMINAL[job.st] then
    report(job.st, job.reason or '', math.max(0, now - (job.done or now)))
  else
    report('active', '', 0)
  end
end
return out
