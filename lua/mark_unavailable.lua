-- mark_unavailable: a node reported MODEL_NOT_AVAILABLE for a service; selection avoids that service on that node
-- until the mark expires (the node keeps serving jobs that do not need it).
--
-- KEYS[1..13] the state keys (includes/state_keys.lua)
-- ARGV[1] node_id  ARGV[2] service (asr|nmt|tts|semantic|tone|...)  ARGV[3] duration ms
-- Returns {"marked", until_ms} or {"unknown"} when the node is not registered.
-- @include "includes/state_keys.lua"

if redis.call('HEXISTS', K.node_info, ARGV[1]) == 0 then return { 'unknown' } end
local until_ms = now_ms() + tonumber(ARGV[3])
redis.call('HSET', K.unavailable, ARGV[1] .. '|' .. ARGV[2], until_ms)
return { 'marked', until_ms }
