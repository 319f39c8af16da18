-- room_create: a new room with the caller as its only member. A session is in at most one room: the room it was in
-- (if any) is left in the same call, exactly as room_leave would.
--
-- KEYS[1] {p}:room:<code>  the new room
-- KEYS[2] {p}:session:rooms
-- KEYS[3] {p}:rooms
-- KEYS[4] {p}:room:<previous code>  the room the session is in as the caller read it from KEYS[2] (any room key
--         when ARGV[5] is "")
-- ARGV[1] code  ARGV[2] room_id  ARGV[3] session_id  ARGV[4] member JSON (see includes/rooms.lua, without seq)
-- ARGV[5] previous code as read ("" = none)
-- Returns {"EXISTS"} when the code is taken (pick another), {"RETRY"} when the session's room changed since the
-- caller read it (read again), or {"CREATED", {member JSON...}, previous code, {remaining member JSON...}}:
-- the new room's members, and the room that was left with who remains there ("" and {} when none; {} as well when
-- the left room was deleted because it became empty).
-- @include "includes/rooms.lua"

local room, index, rooms, previous_room = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local code, room_id, sid, member_json, previous = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

if redis.call('EXISTS', room) == 1 then return { 'EXISTS' } end
if not room_index_matches(index, sid, previous) then return { 'RETRY' } end

local remaining = {}
if previous ~= '' then remaining = room_remove(previous_room, index, rooms, previous, sid) end

local now = room_now_ms()
redis.call('HSET', room, 'id', room_id, 'created', now)
room_add(room, index, code, sid, member_json)
redis.call('ZADD', rooms, now, code)
return { 'CREATED', room_member_list(room), previous, remaining }
