-- The scheduler's shared state keys. Every transition script receives these thirteen keys as KEYS[1..13], in this
-- order, followed by the per-entity keys of its own header. All of them share the hash tag "{<prefix>}", so every
-- script touches a single Redis Cluster slot.
local K = {
  node_info = KEYS[1],    -- HASH node_id -> JSON capabilities {pool, asr, tts, svc, max, pub} (written by C++)
  node_state = KEYS[2],   -- HASH node_id -> JSON runtime {st, hb, cpu, gpu, mem, run, q?, acks, dur?}
  node_load = KEYS[3],    -- HASH node_id -> slots held by the scheduler (reserved + running jobs)
  node_seen = KEYS[4],    -- ZSET node_id scored by last heartbeat (ms): liveness sweep
  pool_all = KEYS[5],     -- ZSET (score 0, lex order) "<pool>|" sentinel + "<pool>|<node_id>" per member
  pool_free = KEYS[6],    -- ZSET (score 0, lex order) the ready set: "<pool>|<rank>|<descriptor rest>" for every
                          -- node that is ready with a free slot, least loaded first within its pool (pools.lua)
  pair_pools = KEYS[7],   -- ZSET (score 0, lex order) "<a>|<b>|<pool>" for every language pair a<=b of a pool
  node_jobs = KEYS[8],    -- ZSET (score 0, lex order) "<node_id>|<job_id>" for every job holding a slot
  unavailable = KEYS[9],  -- HASH "<node_id>|<service>" -> ms until which that service is marked unavailable
  jobs = KEYS[10],        -- HASH job_id -> JSON job state {st, node, att, sess, ...}
  deadlines = KEYS[11],   -- ZSET job_id scored by its next deadline (ack, run, backlog wait, retention)
  backlog = KEYS[12],     -- ZSET job_id scored by enqueue time: jobs waiting for a slot, oldest first
  node_ready = KEYS[13],  -- HASH node_id -> the node's packed descriptor (pools.lua): what selection and slot
                          -- accounting need, without JSON
}

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- ",a,b," membership lists: node ids and language codes never contain commas (validated in C++).
local function in_list(list, item)
  return list ~= nil and string.find(list, ',' .. item .. ',', 1, true) ~= nil
end

local function split(list, sep)
  local out = {}
  for item in string.gmatch(list or '', '[^' .. sep .. ']+') do out[#out + 1] = item end
  return out
end

local function load_json(hash, field)
  local raw = redis.call('HGET', hash, field)
  if not raw then return nil end
  return cjson.decode(raw)
end

-- A call the scheduler may report as failed (its reply timed out) carries a deadline on the Redis clock (ms, 0 =
-- none). A script that starts after it refuses to act and answers {"late"}: a transition the scheduler already
-- reported as not done never takes effect later (Redis paused, then resumed with the command still queued).
local function past_deadline_at(deadline, now)
  local d = tonumber(deadline or '0') or 0
  return d > 0 and now > d
end

local function past_deadline(deadline)
  local d = tonumber(deadline or '0') or 0
  return d > 0 and now_ms() > d
end

local TERMINAL = { completed = true, completed_no_text = true, failed = true }
