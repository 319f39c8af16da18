-- Node selection: the only node selector of the system (dispatch, reassign and backlog hand-off all use it).
--
-- cfg = {hb_timeout (ms), threshold (percent), sample (candidates compared), rounds (draws per candidate), seed}
-- job = the job state: {langs "a,b", asr ",a,", tts ",b,", need ",asr,nmt,tts,", pin node or "", tried ",n1,"}

-- Why a node cannot take the job, or nil and its load score (lower is better).
-- Transient reasons (the node may take it later) decide "wait in the backlog" over "refuse".
local TRANSIENT = { FULL = true, OVERLOADED = true, NOT_READY = true, STALE = true, MODEL_UNAVAILABLE = true }

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

local function node_fits(K, job, node, now, cfg)
  if in_list(job.tried, node) then return nil, 'EXCLUDED' end
  local info = load_json(K.node_info, node)
  if info == nil then return nil, 'GONE' end
  local state = load_json(K.node_state, node)
  if state == nil or state.st ~= 'ready' then return nil, 'NOT_READY' end
  if now - state.hb > cfg.hb_timeout then return nil, 'STALE' end
  if info.pub == 0 and job.pin ~= node then return nil, 'PRIVATE' end
  for svc in string.gmatch(job.need, '[^,]+') do
    if not in_list(info.svc, svc) then return nil, 'MISSING_SERVICE' end
  end
  for lang in string.gmatch(job.asr, '[^,]+') do
    if not serves_language(info.asr, lang) then return nil, 'MISSING_LANGUAGE' end
  end
  for lang in string.gmatch(job.tts, '[^,]+') do
    if not serves_language(info.tts, lang) then return nil, 'MISSING_LANGUAGE' end
  end
  if cfg.marks then  -- unavailability marks are rare: only looked up when some exist (see select_node)
    for svc in string.gmatch(job.need, '[^,]+') do
      local until_ms = redis.call('HGET', K.unavailable, node .. '|' .. svc)
      if until_ms and tonumber(until_ms) > now then return nil, 'MODEL_UNAVAILABLE' end
      -- An expired mark is removed, so that the marks-exist check in select_node goes back to the fast path.
      if until_ms then redis.call('HDEL', K.unavailable, node .. '|' .. svc) end
    end
  end
  if (state.cpu or 0) >= cfg.threshold or (state.gpu or 0) >= cfg.threshold or (state.mem or 0) >= cfg.threshold then
    return nil, 'OVERLOADED'
  end
  local load = tonumber(redis.call('HGET', K.node_load, node) or '0')
  if load >= info.max then return nil, 'FULL' end
  -- What the node reports (its running jobs and, for a node that serialises its work, the jobs waiting in its own
  -- queue) only orders candidates: reports are up to a heartbeat old, so the exact slot count alone decides FULL.
  local busy = math.max(load, (state.run or 0) + (state.q or 0))
  -- Least loaded relative to capacity; CPU breaks ties between equally loaded nodes.
  return busy / info.max + (state.cpu or 0) / 1e6, nil
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

-- Returns node_id, or nil and an outcome: 'WAIT' (capable nodes exist but none can take it now) or the reason
-- why no node can take it at all (NO_POOL, EXCLUDED, MISSING_SERVICE, MISSING_LANGUAGE, PRIVATE).
local function select_node(K, job, now, cfg)
  cfg.marks = redis.call('HLEN', K.unavailable) > 0
  if job.pin ~= nil and job.pin ~= '' then
    if node_fits(K, job, job.pin, now, cfg) then return job.pin, nil end
  end
  local pools = eligible_pools(K, job)
  if #pools == 0 then return nil, 'NO_POOL' end

  local ranges, total_free = {}, 0
  for _, pool in ipairs(pools) do
    local n = pool_count(K.pool_free, pool)
    if n > 0 then
      ranges[#ranges + 1] = { pool = pool, first = redis.call('ZRANK', K.pool_free, pool .. '|') + 1, n = n }
      total_free = total_free + n
    end
  end
  if total_free == 0 then return nil, 'WAIT' end

  -- Few free nodes: look at each of them. Many: draw at random, power of `sample` choices.
  math.randomseed(cfg.seed)
  local exhaustive = total_free <= cfg.sample
  local draws = exhaustive and total_free or cfg.sample * cfg.rounds
  local seen, reasons = {}, {}
  local best, best_score, fitting = nil, nil, 0
  for draw = 1, draws do
    local index = exhaustive and draw - 1 or math.random(total_free) - 1
    local range = nil
    for _, r in ipairs(ranges) do
      if index < r.n then range = r break end
      index = index - r.n
    end
    -- Lazy clean-ups below shift ranks by one; a member read from a shifted rank is simply skipped.
    local member = redis.call('ZRANGE', K.pool_free, range.first + index, range.first + index)[1] or ''
    local bar = string.find(member, '|', 1, true)
    local node = bar and string.sub(member, bar + 1) or ''
    if node ~= '' and string.sub(member, 1, bar - 1) == range.pool and not seen[node] then
      seen[node] = true
      local score, reason = node_fits(K, job, node, now, cfg)
      if score then
        fitting = fitting + 1
        if best == nil or score < best_score then best, best_score = node, score end
        if fitting >= cfg.sample then break end
      else
        reasons[reason] = (reasons[reason] or 0) + 1
        if reason == 'GONE' then pool_leave(K, range.pool, node) end
        if reason == 'FULL' then pool_mark_free(K, range.pool, node, false) end
      end
    end
  end
  if best then return best, nil end

  -- Nobody sampled can take it. Wait if any reason may pass, or if some capable nodes are busy right now.
  local dominant, count = 'NO_POOL', -1
  for reason, n in pairs(reasons) do
    if TRANSIENT[reason] then return nil, 'WAIT' end
    if n > count then dominant, count = reason, n end
  end
  -- Counted only on this failure path: busy capable nodes (not in the free set) are worth waiting for.
  local total_all = 0
  for _, pool in ipairs(pools) do total_all = total_all + pool_count(K.pool_all, pool) end
  if total_all > total_free then return nil, 'WAIT' end
  return nil, dominant
end
