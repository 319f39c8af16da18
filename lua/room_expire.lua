-- room_expire: deletes the candidate rooms that are still idle for at least `expire_after` ms (by the Redis clock)
-- and answers who was in each, so the caller can tell them. Any instance may run it concurrently with others and
-- with room activity: a room that saw activity since room_idle, or that another call already expired, is skipped,
-- so each room expires exactly once.
--
-- KEYS[1] {p}:rooms  KEYS[2] {p}:session:rooms  KEYS[3..n] {p}:room:<code>, one per candidate
-- ARGV[1] expire_after ms  ARGV[2..n-1] the candidate codes, in the order of KEYS[3..n]
-- Returns {{code, {member session_id...}}...} for the rooms this call expired.
-- @include "includes/rooms.lua"

local rooms, index = KEYS[1], KEYS[2]
local cutoff = room_now_ms() - tonumber(ARGV[1])
local expired = {}
for i = 3, #KEYS do
  local room, code = KEYS[i], ARGV[i - 1]
  local score = redis.call('ZSCORE', rooms, code)
  if score and tonumber(score) <= cutoff then
    local sessions = {}
    local fields = redis.call('HKEYS', room)
    for _, field in ipairs(fields) do
      if string.sub(field, 1, 2) == 'm:' then
        local sid = string.sub(field, 3)
        sessions[#sessions + 1] = sid
        if redis.call('HGET', index, sid) == code then redis.call('HDEL', index, sid) end
      end
    end
    redis.call('DEL', room)
    redis.call('ZREM', rooms, code)
    expired[#expired + 1] = { code, sessions }
  end
end
return expired
