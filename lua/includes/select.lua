-- Node selection: the only node selector of the system (dispatch, reassign and backlog hand-off all use it).
--
-- cfg = {hb_timeout (ms), threshold (percent), page (ready-set members read per pool at most)}: plain ARGV,
--       read by selection_cfg.
-- job = the job state: {langs "a,b", asr ",a,", tts ",b,", need ",asr,nmt,tts,", pin node or "", tried ",n1,"}
-- A candidate is judged from its descriptor alone (pools.lua): no per-candidate read, no JSON.

local function selection_cfg(first)
  return { hb_timeout = tonumber(ARGV[first]), threshold = tonumber(ARGV[first + 1]),
           page = math.max(1, tonumber(ARGV[first + 2])) }
end

-- Transient reasons (the node may take the job later) decide "wait in the backlog" over "refuse".
local TRANSIENT = { FULL = true, BEHIND = true, NOT_READY = true, STALE = true, MODEL_UNAVAILABLE = true }

-- A node whose highest of cpu/gpu/mem is at or above the resource threshold is a last resort, never a reason to
-- wait: it is chosen only when no fitting node below the threshold exists (pool_best, select_node). The Lingua
-- node agent reports the whole machine's CPU; on a host busy with other work that figure says nothing about its
-- free slots, and excluding it made jobs wait out their backlog deadline beside an idle, capable node.
local function over_threshold(d, cfg)
  return d.res >= cfg.threshold
end

-- Does a node's ",tag,tag," list serve the job's language tag (BCP-47, normalised by C++)? The exact tag; or, for
-- a regional tag ("zh-CN"), the bare language ("zh": a node that declares only the language serves every region);
-- or, for a bare tag ("zh"), any regional form of it ("zh-CN": a node for one region serves the language).
-- Two different regions ("zh-CN" vs "zh-TW") do not match.
local function serves_language(list, lang)
  if in_list(list, lang) then return true end
  local dash = string.find(lang, '-', 1, true)
  if dash then return in_list(list, string.sub(lang, 1, dash - 1)) end
  return list ~= nil and string.find(list, ',' .. lang .. '-', 1, true) ~= nil
end

-- Would a node that holds `load` of our jobs end one more after the job's run deadline? The jobs ahead of it (our
-- slots, or what the node reports when that is more) are worked off on its lanes (1 for a node that reports its own
-- queue: it serialises whatever capacity it declares) at its observed job duration (d.dur, slots.lua
-- observe_duration). An idle node, or one never observed, is never behind.
local function behind(job, d, load)
  if load == 0 or d.dur == 0 or job.runms == nil then return false end
  local ahead = math.max(load, d.rep)
  local lanes = d.ser == 1 and 1 or d.max
  return (math.floor(ahead / lanes) + 1) * d.dur > job.runms
end

-- Why the node described by `d` holding `load` slots cannot take the job, or nil. `cfg.marks`: whether any
-- unavailability mark exists (only then are they looked up, one HGET per needed service). The resource threshold
-- is not a reason (over_threshold).
local function desc_fits(K, job, d, load, now, cfg)
  if in_list(job.tried, d.node) then return 'EXCLUDED' end
  if d.rdy ~= 1 then return 'NOT_READY' end
  if now - d.hb > cfg.hb_timeout then return 'STALE' end
  if d.pub == 0 and job.pin ~= d.node then return 'PRIVATE' end
  for svc in string.gmatch(job.need, '[^,]+') do
    if not in_list(d.svc, svc) then return 'MISSING_SERVICE' end
  end
  for lang in string.gmatch(job.asr, '[^,]+') do
    if not serves_language(d.asr, lang) then return 'MISSING_LANGUAGE' end
  end
  for lang in string.gmatch(job.tts, '[^,]+') do
    if not serves_language(d.tts, lang) then return 'MISSING_LANGUAGE' end
  end
  if cfg.marks then
    for svc in string.gmatch(job.need, '[^,]+') do
      local until_ms = redis.call('HGET', K.unavailable, d.node .. '|' .. svc)
      if until_ms and tonumber(until_ms) > now then return 'MODEL_UNAVAILABLE' end
      -- An expired mark is removed, so that the marks-exist check goes back to the fast path.
      if until_ms then redis.call('HDEL', K.unavailable, d.node .. '|' .. svc) end
    end
  end
  if load >= d.max then return 'FULL' end
  if behind(job, d, load) then return 'BEHIND' end
  return nil
end

-- The pools that serve every language of the job, found through the index of its first language pair.
local function eligible_pools(K, job)
  local langs = split(job.langs, ',')
  local a, b = langs[1], langs[2] or langs[1]
  local prefix = a .. '|' .. b .. '|'
  local entries = redis.call('ZRANGEBYLEX', K.pair_pools, '[' .. prefix, '(' .. a .. '|' .. b .. '}')
  local pools = {}
  for _, entry in ipairs(entries) do
    local pool = string.sub(entry, #prefix + 1)
    local all = true
    for k = 3, #langs do
      if not string.find('-' .. pool .. '-', '-' .. langs[k] .. '-', 1, true) then all = false end
    end
    if all then pools[#pools + 1] = pool end
  end
  return pools
end

-- The first member of the pool's ready set that fits (the least loaded that can take the job): its member text
-- and descriptor, or nil; the third value is true when that member is over the resource threshold (the first such
-- one, returned only when no fitting member below it was found). Reads one member first (the usual answer), then
-- up to cfg.page - 1 more.
local function pool_best(K, job, pool, now, cfg, reasons)
  local from, count = 0, 1
  local spare, spare_d = nil, nil
  while from < cfg.page do
    local members = redis.call('ZRANGEBYLEX', K.pool_free, '[' .. pool .. '|', '(' .. pool .. '}', 'LIMIT', from, count)
    for _, member in ipairs(members) do
      local d = member_desc(member)
      if d ~= nil then
        -- A member is below capacity by construction (ready_member) and carries its slot count (for BEHIND).
        local reason = desc_fits(K, job, d, d.load, now, cfg)
        if reason == nil then
          if not over_threshold(d, cfg) then return member, d, false end
          if spare == nil then spare, spare_d = member, d end
        else
          reasons[reason] = (reasons[reason] or 0) + 1
        end
      end
    end
    if #members < count then break end
    from, count = from + count, cfg.page - from - count
  end
  if spare ~= nil then return spare, spare_d, true end
  return nil
end

-- Returns node_id and its descriptor, or nil and an outcome: 'WAIT' (capable nodes exist but none can take it
-- now) or why no node can take it at all (NO_POOL, EXCLUDED, MISSING_SERVICE, MISSING_LANGUAGE, PRIVATE).
local function select_node(K, job, now, cfg)
  cfg.marks = redis.call('HLEN', K.unavailable) > 0
  if job.pin ~= nil and job.pin ~= '' then
    local d = node_desc(K, job.pin)
    -- A pinned node over the resource threshold is not taken at once: the pools below may hold a calmer one (and
    -- still choose it as a last resort).
    if d ~= nil and desc_fits(K, job, d, node_load(K, job.pin), now, cfg) == nil and not over_threshold(d, cfg) then
      return job.pin, d
    end
  end
  local pools = eligible_pools(K, job)
  if #pools == 0 then return nil, 'NO_POOL' end

  local reasons = {}
  local best, best_rank, best_hot = nil, nil, true
  for _, pool in ipairs(pools) do
    local member, d, hot = pool_best(K, job, pool, now, cfg, reasons)
    -- Members compare by their rank right after "<pool>|": the least loaded over all eligible pools wins, a node
    -- below the resource threshold before any above it.
    if member ~= nil then
      local rank = string.sub(member, #pool + 2, #pool + 8)
      if best == nil or (best_hot and not hot) or (best_hot == hot and rank < best_rank) then
        best, best_rank, best_hot = d, rank, hot
      end
    end
  end
  if best then return best.node, best end

  -- Nobody in the ready sets can take it. Wait if any reason may pass, or if some capable nodes are busy now.
  local dominant, count = 'NO_POOL', -1
  for reason, n in pairs(reasons) do
    if TRANSIENT[reason] then return nil, 'WAIT' end
    if n > count then dominant, count = reason, n end
  end
  -- Counted only on this failure path: members not in the ready set (busy or not ready) are worth waiting for.
  local total_all, total_free = 0, 0
  for _, pool in ipairs(pools) do
    total_all = total_all + pool_count(K.pool_all, pool)
    total_free = total_free + pool_count(K.pool_free, pool)
  end
  if total_all > total_free then return nil, 'WAIT' end
  return nil, dominant
end
