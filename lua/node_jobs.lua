-- node_jobs: the jobs a node holds a slot for (read only). A node that registers on a fresh socket runs none of
-- them any more on the connection they were sent to (that socket, or its instance, is gone), so the caller fails
-- each over at once instead of waiting for its run deadline.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- ARGV[1] node_id
-- Returns a flat list job_id, attempt, ... of the jobs whose current attempt is on that node and not ended.
-- @include "includes/state_keys.lua"

local node = ARGV[1]
local held = {}
for _, link in ipairs(redis.call('ZRANGEBYLEX', K.node_jobs, '[' .. node .. '|', '(' .. node .. '}')) do
  local job_id = string.sub(link, #node + 2)
  local job = load_json(K.jobs, job_id)
  if job ~= nil and job.node == node and not TERMINAL[job.st] then
    held[#held + 1] = job_id
    held[#held + 1] = job.att
  end
end
return held
