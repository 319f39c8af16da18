-- Slot accounting. A job holds one slot of its node from assignment until it completes, fails over or expires;
-- a node never holds more than info.max slots, and a slot is given back exactly once (node_jobs membership is the
-- proof that the job still holds it).

-- Puts the job on the node: one slot, the node->job link, the deadline, attempt + 1. Nodes that acknowledge jobs
-- get the ack deadline first; the others are trusted to be running it from the moment it is sent.
local function assign(K, job_id, job, d, now)
  local node = d.node
  local was_queued = job.st == 'queued'
  job.att = (job.att or 0) + 1
  job.node = node
  job.disp = now
  local deadline
  if d.acks == 1 then
    job.st = 'reserved'
    deadline = now + job.ackms
  else
    job.st = 'running'
    deadline = now + job.runms
  end
  local load = redis.call('HINCRBY', K.node_load, node, 1)
  ready_move(K, d, load - 1, d, load)
  redis.call('ZADD', K.node_jobs, 0, node .. '|' .. job_id)
  redis.call('ZADD', K.deadlines, deadline, job_id)
  if was_queued then redis.call('ZREM', K.backlog, job_id) end
  redis.call('HSET', K.jobs, job_id, cjson.encode(job))
end

-- Gives back the slot the job holds on the node, if it still holds one. Returns true when a slot was released.
local function release(K, job_id, node)
  if redis.call('ZREM', K.node_jobs, node .. '|' .. job_id) == 0 then return false end
  local d = node_desc(K, node)
  if d == nil then return true end
  local load = redis.call('HINCRBY', K.node_load, node, -1)
  if load < 0 then
    redis.call('HSET', K.node_load, node, 0)
    load = 0
  end
  ready_move(K, d, load + 1, d, load)
  return true
end

-- job_cancel does not stop every node: the Lingua node agent finishes the job and sends its result late. A job taken
-- from its node for missing the run deadline therefore leaves its slot there taken (a "kept slot": the node->job
-- link stays) until that late result arrives (complete_task) or `until_ms` passes (expire_deadlines reads the
-- deadline entry "kept|<node>|<job_id>").
local function keep_slot(K, job_id, node, until_ms)
  redis.call('ZADD', K.deadlines, until_ms, 'kept|' .. node .. '|' .. job_id)
end

-- Gives back a kept slot (see keep_slot); true when there was one.
local function release_kept(K, job_id, node)
  redis.call('ZREM', K.deadlines, 'kept|' .. node .. '|' .. job_id)
  return release(K, job_id, node)
end

-- Hands the node's free slots to the oldest waiting jobs it can serve (looking at most `scan` of them). A node over
-- the resource threshold takes them too: a job waits in the backlog only when no capable node had a free slot, so
-- this node is the one that has one now (select.lua over_threshold).
-- Returns a flat list job_id, attempt, ... of the jobs it assigned, for the caller to send.
local function handoff(K, node, now, cfg, scan)
  local handed = {}
  local d = node_desc(K, node)
  if d == nil then return handed end
  local load = node_load(K, node)
  cfg.marks = redis.call('HLEN', K.unavailable) > 0
  local waiting = redis.call('ZRANGE', K.backlog, 0, scan - 1)
  for _, job_id in ipairs(waiting) do
    local job = load_json(K.jobs, job_id)
    if job == nil or job.st ~= 'queued' then
      redis.call('ZREM', K.backlog, job_id)
    else
      local reason = desc_fits(K, job, d, load, now, cfg)
      if reason == nil then
        assign(K, job_id, job, d, now)
        load = load + 1
        handed[#handed + 1] = job_id
        handed[#handed + 1] = job.att
      elseif reason == 'FULL' or reason == 'BEHIND' or reason == 'NOT_READY' or reason == 'STALE' then
        break
      end
    end
  end
  return handed
end

-- Parks the job in the backlog until a slot frees or its wait expires.
local function enqueue(K, job_id, job, now, max_wait_ms)
  job.st = 'queued'
  job.node = ''
  redis.call('ZADD', K.backlog, now, job_id)
  redis.call('ZADD', K.deadlines, now + max_wait_ms, job_id)
  redis.call('HSET', K.jobs, job_id, cjson.encode(job))
end

-- Ends the job for good; its state is kept for `retain_ms` so late or repeated results are recognised. Only what
-- fencing and reporting need stays (status, node, attempt, session, trace id, reason, times): the retained record is
-- small.
-- The bulky payload (spec and audio) is the caller's to delete, in the same script (drop_payload).
local function finish(K, job_id, job, status, reason, now, retain_ms)
  local kept = { st = status, reason = reason, done = now, node = job.node or '', att = job.att or 0,
                 sess = job.sess or '', tr = job.tr or '', created = job.created, acked = job.acked }
  if job.st == 'queued' then redis.call('ZREM', K.backlog, job_id) end
  redis.call('ZADD', K.deadlines, now + retain_ms, job_id)
  redis.call('HSET', K.jobs, job_id, cjson.encode(kept))
  return kept
end

-- Deletes a finished job's payload (one string: job_assign template and audio, dispatch_task): nothing bulky
-- outlives the job.
local function drop_payload(payload_key)
  if payload_key ~= nil and payload_key ~= '' then redis.call('DEL', payload_key) end
end

-- Folds one observed job duration (assignment to the first result of that attempt, or to its missed run deadline)
-- into the node's EWMA (weight 1/4 for the new observation; the first one is taken as it is): kept in its runtime
-- record (heartbeats carry it over) and its descriptor, which selection reads (select.lua behind).
local function observe_duration(K, node, ms)
  local state = load_json(K.node_state, node)
  local d = node_desc(K, node)
  if state == nil or d == nil or ms < 0 then return end
  state.dur = state.dur and math.floor(state.dur * 0.75 + ms * 0.25) or math.floor(ms)
  redis.call('HSET', K.node_state, node, cjson.encode(state))
  local observed = {}
  for k, v in pairs(d) do observed[k] = v end
  observed.dur = state.dur
  desc_store(K, d, observed, node_load(K, node))
end
