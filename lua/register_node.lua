-- register_node: a node (re-)registers. Re-registering the same id updates it in place: it moves to the pool of
-- its current language set (leaving the old one, which disappears when empty) and keeps its load and jobs.
-- A new node starts as 'registering' and becomes selectable with its first heartbeat (protocol §3.2).
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- ARGV[1] node_id
-- ARGV[2] capabilities JSON {pool, asr, tts, svc, max, pub, cred} (built by C++: state/node_capabilities)
-- Returns {"registered", status} for a new node, {"updated", status} for a known one, {"conflict", ""} (nothing
-- changed) when the node is known with another credential fingerprint `cred` (auth: a live node id is only taken
-- over by a reconnect with the same credential).
-- Errors: "BAD_ARGS ..." when the capabilities lack pool or max.
-- @include "includes/state_keys.lua"
-- @include "includes/pools.lua"

local node = ARGV[1]
local info = cjson.decode(ARGV[2])
if type(info.pool) ~= 'string' or info.pool == '' or type(info.max) ~= 'number' or info.max < 1 then
  return redis.error_reply('BAD_ARGS capabilities need pool and max >= 1')
end
local now = now_ms()

local old = load_json(K.node_info, node)
-- auth (issue 7): the credential binding. A record without `cred` predates it and is adopted.
if old ~= nil and old.cred ~= nil and old.cred ~= info.cred then return { 'conflict', '' } end
local state = load_json(K.node_state, node)
if old ~= nil and old.pool ~= info.pool then pool_leave(K, old.pool, node) end
pool_join(K, info.pool, node)
redis.call('HSET', K.node_info, node, ARGV[2])

local outcome = 'updated'
if state == nil then
  outcome = 'registered'
  state = { st = 'registering', hb = now, cpu = 0, gpu = 0, mem = 0, run = 0, acks = 0 }
else
  state.hb = now
end
redis.call('HSET', K.node_state, node, cjson.encode(state))
redis.call('HSETNX', K.node_load, node, 0)
redis.call('ZADD', K.node_seen, now, node)
local old_d = node_desc(K, node)
local acks = 0
if old_d ~= nil then acks = old_d.acks end
desc_store(K, old_d, desc_of(node, info, state, acks), node_load(K, node))
return { outcome, state.st }
