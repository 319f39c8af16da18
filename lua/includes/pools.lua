-- Pool membership. A pool is a language set ("de-en-zh": the primary subtags of the node's BCP-47 tags, sorted,
-- '-'-joined; a primary subtag never contains '-', so split(pool, '-') is safe); a node is in exactly one pool.
-- Members live in two lex-ordered sorted sets (all members; members with a free slot), each pool bracketed by its
-- "<pool>|" sentinel so that ZRANK(sentinel) + offset reaches any member in O(log N): sampling a random member never
-- depends on how many nodes exist. pair_pools lists, for every language pair a<=b in a pool, the pools serving it.

local function pool_count(key, pool)
  return redis.call('ZLEXCOUNT', key, '(' .. pool .. '|', '(' .. pool .. '}')
end

local function pool_join(K, pool, node)
  if redis.call('ZSCORE', K.pool_all, pool .. '|') == false then
    redis.call('ZADD', K.pool_all, 0, pool .. '|')
    redis.call('ZADD', K.pool_free, 0, pool .. '|')
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
  redis.call('ZREM', K.pool_free, pool .. '|' .. node)
  if pool_count(K.pool_all, pool) == 0 then
    redis.call('ZREM', K.pool_all, pool .. '|')
    redis.call('ZREM', K.pool_free, pool .. '|')
    local langs = split(pool, '-')
    for i = 1, #langs do
      for j = i, #langs do
        redis.call('ZREM', K.pair_pools, langs[i] .. '|' .. langs[j] .. '|' .. pool)
      end
    end
  end
end

-- Keeps the node's presence in pool_free in line with "ready and below capacity".
local function pool_mark_free(K, pool, node, free)
  if free then
    redis.call('ZADD', K.pool_free, 0, pool .. '|' .. node)
  else
    redis.call('ZREM', K.pool_free, pool .. '|' .. node)
  end
end

local function node_is_free(K, node, info, state)
  if state == nil or state.st ~= 'ready' then return false end
  local load = tonumber(redis.call('HGET', K.node_load, node) or '0')
  return load < info.max
end
