-- cluster_view: what the operator API (/api/v1/cluster, /api/v1/stats) shows of the shared node state. Read only:
-- it writes nothing, so it may run at any time on any instance. Nothing scans the keyspace: the totals are counts
-- of the state keys (O(1) or O(log N)), the pools come from the sentinels of pool_all (one O(log N) step per pool),
-- and the nodes are one page of pool_all in lex order ("<pool>|<node>"), so a large fleet is read page by page
-- with the cursor this call returns.
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- KEYS[14] "{p}:drain"        HASH "node:<id>" | "instance:<id>" -> ms since when an operator drains it
-- KEYS[15] "{p}:owners:node"  HASH node_id -> the instance its socket is connected to
-- ARGV[1] cursor: the pool_all member to continue after ("" = from the start)
-- ARGV[2] most nodes in this page (>= 1)
-- ARGV[3] most pools listed (>= 1)
-- Returns {
--   {now_ms, nodes_total, slots_held, backlog_length, unavailability_marks, pools_truncated (0|1)},
--   {pool, members, free_members, ...}                                  flat, one triple per pool
--   {{node_id, pool, info JSON, state JSON, slots held, job links, owner, drained since ("" = not)}, ...}
--   next cursor ("" when this page reached the end),
--   {drain target, since ms, ...}                                       flat, every operator drain
-- }
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"

local drain, owners = KEYS[14], KEYS[15]
local cursor, page, max_pools = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])

-- Pools: a sentinel "<pool>|" precedes the pool's members, and "(<pool>}" starts just past them ('}' follows '|').
local pools, truncated = {}, 0
local from = '-'
while true do
  local first = redis.call('ZRANGEBYLEX', K.pool_all, from, '+', 'LIMIT', 0, 1)[1]
  if first == nil then break end
  if #pools >= 3 * max_pools then
    truncated = 1
    break
  end
  local pool = string.sub(first, 1, string.find(first, '|', 1, true) - 1)
  pools[#pools + 1] = pool
  pools[#pools + 1] = pool_count(K.pool_all, pool)
  pools[#pools + 1] = pool_count(K.pool_free, pool)
  from = '(' .. pool .. '}'
end

-- One page of nodes, sentinels skipped.
local nodes, next_cursor = {}, ''
local start = '-'
if cursor ~= '' then start = '(' .. cursor end
while #nodes < page do
  local batch = redis.call('ZRANGEBYLEX', K.pool_all, start, '+', 'LIMIT', 0, page - #nodes + 1)
  if #batch == 0 then break end
  for _, member in ipairs(batch) do
    start = '(' .. member
    local bar = string.find(member, '|', 1, true)
    local node = string.sub(member, bar + 1)
    if node ~= '' then
      if #nodes >= page then break end
      nodes[#nodes + 1] = {
        node, string.sub(member, 1, bar - 1),
        redis.call('HGET', K.node_info, node) or '',
        redis.call('HGET', K.node_state, node) or '',
        redis.call('HGET', K.node_load, node) or '0',
        redis.call('ZLEXCOUNT', K.node_jobs, '[' .. node .. '|', '(' .. node .. '}'),
        redis.call('HGET', owners, node) or '',
        redis.call('HGET', drain, 'node:' .. node) or '',
      }
      next_cursor = member
    end
  end
end
-- A full page may be followed by more: the caller continues after the last node listed.
if #nodes < page then next_cursor = '' end
if next_cursor ~= '' and #redis.call('ZRANGEBYLEX', K.pool_all, '(' .. next_cursor, '+', 'LIMIT', 0, 1) == 0 then
  next_cursor = ''
end

local totals = {
  now_ms(), redis.call('HLEN', K.node_info), redis.call('ZCARD', K.node_jobs), redis.call('ZCARD', K.backlog),
  redis.call('HLEN', K.unavailable), truncated,
}
return { totals, pools, nodes, next_cursor, redis.call('HGETALL', drain) }
