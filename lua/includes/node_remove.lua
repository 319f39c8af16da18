-- Removes a node from the shared state: pools, pair index, ready set, descriptor, capabilities, runtime state, load,
-- liveness and unavailability marks. Returns the jobs it held as a flat list job_id, attempt, ... so the caller can fail them
-- over; their slots vanish with the node.
local SERVICES = { 'asr', 'nmt', 'tts', 'semantic', 'tone', 'phonetic', 'punctuation' }

local function node_remove(K, node)
  local info = load_json(K.node_info, node)
  if info ~= nil then pool_leave(K, info.pool, node) end
  ready_move(K, node_desc(K, node), node_load(K, node), nil, 0)
  redis.call('HDEL', K.node_ready, node)
  redis.call('HDEL', K.node_info, node)
  redis.call('HDEL', K.node_state, node)
  redis.call('HDEL', K.node_load, node)
  redis.call('ZREM', K.node_seen, node)
  for _, svc in ipairs(SERVICES) do redis.call('HDEL', K.unavailable, node .. '|' .. svc) end
  local held = {}
  local links = redis.call('ZRANGEBYLEX', K.node_jobs, '[' .. node .. '|', '(' .. node .. '}')
  for _, link in ipairs(links) do
    redis.call('ZREM', K.node_jobs, link)
    local job_id = string.sub(link, #node + 2)
    local job = load_json(K.jobs, job_id)
    if job ~= nil and job.node == node and not TERMINAL[job.st] then
      held[#held + 1] = job_id
      held[#held + 1] = job.att
    end
  end
  return info ~= nil, held
end
