-- Pools and the ready set. A pool is a language set ("de-en-zh": the primary subtags of the node's BCP-47 tags,
-- sorted, '-'-joined; a primary subtag never contains '-' or '|'); a node is in exactly one pool.
--   pool_all   lex ZSET "<pool>|" sentinel + "<pool>|<node_id>" per member (membership, cluster_view's pages).
--   pair_pools lex ZSET "<a>|<b>|<pool>" for every language pair a<=b of a pool: the pools serving a pair.
--   node_ready HASH node_id -> the node's descriptor, packed (no JSON), written by register/heartbeat/drain/ack:
--              "<pool>|<rdy>|<hb>|<max>|<rep>|<cpu>|<res>|<acks>|<pub>|<ser>|<dur>|<svc>|<asr>|<tts>|<node_id>"
--              rdy 1 = status ready; hb last heartbeat ms; max slots; rep what the node reports busy (running +
--              its own queue); cpu percent (integer); res the highest of cpu/gpu/mem percent; acks 1 = the node
--              acknowledges jobs; pub 0/1; ser 1 = the node reports its own queue (gpu_queue_length: it runs one
--              job at a time); dur its observed job duration in ms (EWMA, slots.lua observe_duration; 0 = never
--              observed); svc/asr/tts ",a,b," lists. The node id is last: it may hold any byte.
--   pool_free  lex ZSET, the ready set: "<pool>|<rank>|<load>|<descriptor without pool>" for every node that is
--              ready and below capacity. rank = 4 digits of busy/max (busy = max(slots held, rep)) then 3 digits of
--              cpu, so within a pool the least loaded node is the first member: selection is one
--              ZRANGEBYLEX ... LIMIT per eligible pool and reads everything it filters on from the member itself
--              (load = slots held, for the expected-finish check of select.lua).
-- The member is a pure function of (descriptor, slots held): every change of either removes the old member and
-- adds the new one (ready_move), so the set never holds two members of one node.

local function pool_count(key, pool)
  return redis.call('ZLEXCOUNT', key, '(' .. pool .. '|', '(' .. pool .. '}')
end

local function pool_join(K, pool, node)
  if redis.call('ZSCORE', K.pool_all, pool .. '|') == false then
    redis.call('ZADD', K.pool_all, 0, pool .. '|')
    local langs = split(pool, '-')
    for i = 1, #langs do
      for j = i, #langs do
        redis.call('ZADD', K.pair_pools, 0, langs[i] .. '|' .. langs[j] .. '|' .. pool)
      end
    end
  end
  redis.call('ZADD', K.pool_all, 0, pool .. '|' .. node)
end

local function pool_leave(K, pool, node)
  redis.call('ZREM', K.pool_all, pool .. '|' .. node)
  if pool_count(K.pool_all, pool) == 0 then
    redis.call('ZREM', K.pool_all, pool .. '|')
    local langs = split(pool, '-')
    for i = 1, #langs do
      for j = i, #langs do
        redis.call('ZREM', K.pair_pools, langs[i] .. '|' .. langs[j] .. '|' .. pool)
      end
    end
  end
end

local DESC_PATTERN =
  '^([^|]*)|(%d)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|(%d)|(%d)|(%d)|(%d+)|([^|]*)|([^|]*)|([^|]*)|(.*)$'
local MEMBER_PATTERN =
  '^([^|]*)|(%d+)|(%d+)|(%d)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|(%d)|(%d)|(%d)|(%d+)|([^|]*)|([^|]*)|([^|]*)|(.*)$'

local function desc_table(pool, rdy, hb, max, rep, cpu, res, acks, pub, ser, dur, svc, asr, tts, node)
  return { pool = pool, rdy = tonumber(rdy), hb = tonumber(hb), max = tonumber(max), rep = tonumber(rep),
           cpu = tonumber(cpu), res = tonumber(res), acks = tonumber(acks), pub = tonumber(pub), ser = tonumber(ser),
           dur = tonumber(dur), svc = svc, asr = asr, tts = tts, node = node }
end

-- The descriptor of a node, or nil when it is not registered.
local function node_desc(K, node)
  local text = redis.call('HGET', K.node_ready, node)
  if not text then return nil end
  local pool, rdy, hb, max, rep, cpu, res, acks, pub, ser, dur, svc, asr, tts, id = string.match(text, DESC_PATTERN)
  if pool == nil then return nil end  -- a descriptor written before ser/dur existed: the next heartbeat rewrites it
  return desc_table(pool, rdy, hb, max, rep, cpu, res, acks, pub, ser, dur, svc, asr, tts, id)
end

-- A ready-set member read back (selection): the descriptor (with `load`, the slots the node holds).
local function member_desc(member)
  local pool, _, load, rdy, hb, max, rep, cpu, res, acks, pub, ser, dur, svc, asr, tts, id =
    string.match(member, MEMBER_PATTERN)
  if pool == nil then return nil end
  local d = desc_table(pool, rdy, hb, max, rep, cpu, res, acks, pub, ser, dur, svc, asr, tts, id)
  d.load = tonumber(load)
  return d
end

local function desc_rest(d)
  return d.rdy .. '|' .. d.hb .. '|' .. d.max .. '|' .. d.rep .. '|' .. d.cpu .. '|' .. d.res .. '|' .. d.acks ..
         '|' .. d.pub .. '|' .. d.ser .. '|' .. d.dur .. '|' .. d.svc .. '|' .. d.asr .. '|' .. d.tts .. '|' .. d.node
end

-- The descriptor from the capabilities record (state/node_capabilities: {pool, asr, tts, svc, max, pub}) and the
-- runtime record ({st, hb, cpu, gpu, mem, run, q?, dur?}).
local function desc_of(node, info, state, acks)
  local cpu = math.floor(tonumber(state.cpu) or 0)
  local res = math.max(cpu, math.floor(tonumber(state.gpu) or 0), math.floor(tonumber(state.mem) or 0))
  return { pool = info.pool, rdy = state.st == 'ready' and 1 or 0, hb = math.floor(state.hb or 0),
           max = math.floor(info.max), rep = math.floor((state.run or 0) + (state.q or 0)),
           cpu = math.max(0, math.min(cpu, 999)), res = math.max(0, res), acks = acks or 0,
           pub = (info.pub == 0) and 0 or 1, ser = state.q ~= nil and 1 or 0, dur = math.floor(state.dur or 0),
           svc = info.svc or ',', asr = info.asr or ',', tts = info.tts or ',', node = node }
end

-- The ready-set member of a node holding `load` slots, or nil when it does not belong there.
local function ready_member(d, load)
  if d == nil or d.rdy ~= 1 or load >= d.max then return nil end
  local busy = math.max(load, d.rep)
  local share = math.min(9999, math.floor(busy * 10000 / d.max))
  return d.pool .. '|' .. string.format('%04d%03d', share, d.cpu) .. '|' .. load .. '|' .. desc_rest(d)
end

-- Moves the node's ready-set member from (old descriptor, old load) to (new descriptor, new load); either side
-- may be nil (not registered / removed).
local function ready_move(K, old_d, old_load, new_d, new_load)
  local before = ready_member(old_d, old_load)
  local after = ready_member(new_d, new_load)
  if before == after then return end
  if before ~= nil then redis.call('ZREM', K.pool_free, before) end
  if after ~= nil then redis.call('ZADD', K.pool_free, 0, after) end
end

-- Stores a descriptor and puts the node where it belongs in the ready set (`old_d` is the stored one, or nil).
local function desc_store(K, old_d, new_d, load)
  redis.call('HSET', K.node_ready, new_d.node, new_d.pool .. '|' .. desc_rest(new_d))
  ready_move(K, old_d, load, new_d, load)
end

local function node_load(K, node)
  return tonumber(redis.call('HGET', K.node_load, node) or '0')
end
