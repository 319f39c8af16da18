-- room_leave: the caller leaves a room; the room is deleted when its last member leaves. Also cleans a stale
-- session -> room entry (room gone, or the session no longer a member of it).
--
-- KEYS[1] {p}:room:<code>  KEYS[2] {p}:session:rooms  KEYS[3] {p}:rooms
-- ARGV[1] code  ARGV[2] session_id
-- Returns {"NOT_FOUND"}, {"NOT_MEMBER"} (the session is not in this room: nothing changed), or
-- {"LEFT", {remaining member JSON...}} ({} when the room was deleted).
-- @include "includes/rooms.lua"

local room, index, rooms = KEYS[1], KEYS[2], KEYS[3]
local code, sid = ARGV[1], ARGV[2]

local function forget_stale_index()
  if redis.call('HGET', index, sid) == code then redis.call('HDEL', index, sid) end
end

if redis.call('EXISTS', room) == 0 then
  forget_stale_index()
  return { 'NOT_FOUND' }
end
if redis.call('HEXISTS', room, 'm:' .. sid) == 0 then
  forget_stale_index()
  return { 'NOT_MEMBER' }
end
return { 'LEFT', room_remove(room, index, rooms, code, sid) }
